package org.grace.webapp.users;

/** A user as stored, password hash included: never returned to a client (see {@link UserView}). */
public record User(long id, long organizationId, String organizationName, String email, String displayName,
                   String role, String passwordHash) {

    public UserView view() {
        return new UserView(id, organizationId, organizationName, email, displayName, role);
    }
}
