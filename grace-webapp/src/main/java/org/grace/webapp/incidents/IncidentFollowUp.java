package org.grace.webapp.incidents;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work that follows the recording of a new incident in the same transaction, just before its alert notifications
 * are written: escalation's first step and the e-mail of a critical alert ({@code escalation.Escalations}). An interface
 * here, found through CDI, so that incidents does not depend on the packages that build on it.
 */
public interface IncidentFollowUp {
    /** Called on the recording transaction's connection; whatever it writes commits or rolls back with the incident. */
    void incidentRecorded(Connection c, long incidentId) throws SQLException;
}
