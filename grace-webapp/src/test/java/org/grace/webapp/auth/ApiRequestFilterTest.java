package org.grace.webapp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import org.junit.jupiter.api.Test;

/** Which resource methods the filter answers 401 for when there is no caller (the role check's own rules). */
class ApiRequestFilterTest {
    @RolesAllowed("staff")
    static class Closed {
        public void inherits() {
        }

        @PermitAll
        public void opened() {
        }

        @DenyAll
        public void denied() {
        }
    }

    static class Open {
        public void plain() {
        }

        @RolesAllowed("staff")
        public void closed() {
        }
    }

    @Test
    void aMethodNeedsACallerAsItsOwnAnnotationOrElseItsClassSays() throws Exception {
        assertThat(ApiRequestFilter.needsCaller(Closed.class.getMethod("inherits"), Closed.class)).isTrue();
        assertThat(ApiRequestFilter.needsCaller(Closed.class.getMethod("opened"), Closed.class)).isFalse();
        assertThat(ApiRequestFilter.needsCaller(Closed.class.getMethod("denied"), Closed.class)).isTrue();
        assertThat(ApiRequestFilter.needsCaller(Open.class.getMethod("plain"), Open.class)).isFalse();
        assertThat(ApiRequestFilter.needsCaller(Open.class.getMethod("closed"), Open.class)).isTrue();
        assertThat(ApiRequestFilter.needsCaller(null, Open.class)).as("no method matched: not this filter's").isFalse();
    }
}
