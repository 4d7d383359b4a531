-- An organisation admin deactivates a user who leaves instead of deleting them: their name stays on the audit trail
-- and incidents they handled. A deactivated user cannot sign in or refresh a sign-in; reactivation clears the mark.
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMPTZ;
