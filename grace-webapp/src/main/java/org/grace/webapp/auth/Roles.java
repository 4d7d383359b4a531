package org.grace.webapp.auth;

import java.util.Set;

/** The roles of a care organisation; every user has exactly one, carried in the token's {@code groups} claim. */
public final class Roles {
    public static final String ORGANIZATION_ADMIN = "organization_admin";
    public static final String FACILITY_DIRECTOR = "facility_director";
    public static final String CARE_MANAGER = "care_manager";
    public static final String CARE_STAFF = "care_staff";
    public static final String FAMILY = "family";

    public static final Set<String> ALL = Set.of(ORGANIZATION_ADMIN, FACILITY_DIRECTOR, CARE_MANAGER, CARE_STAFF,
            FAMILY);

    private Roles() {
    }
}
