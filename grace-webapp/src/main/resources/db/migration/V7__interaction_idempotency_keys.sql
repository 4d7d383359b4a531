-- A companion device (or a staff client) that lost the answer to a transcript POST (a timeout, a dropped connection)
-- cannot tell whether it was stored. It resends with the same Idempotency-Key header, and the second request answers
-- the first one's interaction instead of storing the transcript (and alerting staff) twice. A key names one
-- transcript of one sender for good: unique per device, and per staff user for typed transcripts.
ALTER TABLE interactions ADD COLUMN idempotency_key TEXT CHECK (length(idempotency_key) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX interactions_device_key ON interactions (device_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL AND device_id IS NOT NULL;
CREATE UNIQUE INDEX interactions_staff_key ON interactions (submitted_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL AND device_id IS NULL;
