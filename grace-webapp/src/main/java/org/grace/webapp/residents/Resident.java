package org.grace.webapp.residents;

/**
 * A resident as staff see them. Dates and times are ISO-8601 text ({@code dateOfBirth} {@code 1941-03-02},
 * {@code dischargedAt} an instant); {@code timeZone} is the facility's.
 */
public record Resident(long id, long organizationId, long facilityId, String facilityName, String timeZone,
                       String fullName, String preferredName, String room, String dateOfBirth, String notes,
                       String status, String dischargedAt) {

    /** What a linked family member sees: who and where, not the care notes or the date of birth. */
    public FamilyView forFamily() {
        return new FamilyView(id, facilityId, facilityName, fullName, preferredName, room, status);
    }

    public record FamilyView(long id, long facilityId, String facilityName, String fullName, String preferredName,
                             String room, String status) {
    }
}
