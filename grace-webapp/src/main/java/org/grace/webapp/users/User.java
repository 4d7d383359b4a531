package org.grace.webapp.users;

/**
 * A user as stored, password hash included: never returned to a client (see {@link UserView}).
 * {@code deactivatedAt} (ISO-8601 instant) is null while the user may sign in.
 */
public record User(long id, long organizationId, String organizationName, String email, String displayName,
                   String role, String passwordHash, String deactivatedAt) {

    public boolean active() {
        return deactivatedAt == null;
    }

    public UserView view() {
        return new UserView(id, organizationId, organizationName, email, displayName, role, deactivatedAt);
    }
}
