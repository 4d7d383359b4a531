package org.grace.webapp.settings;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.grace.core.InstanceId;

/** This instance's identity for the library (lease owner, message sender): {@code GRACE_INSTANCE_ID} or generated. */
@ApplicationScoped
public class InstanceIdentity {
    @Inject
    @ConfigProperty(name = "grace.instance.id")
    Optional<String> configured;

    private InstanceId id;

    /** Dependent: InstanceId is a record (final), which a normal-scoped bean could not proxy; the value is cached. */
    @Produces
    public synchronized InstanceId instanceId() {
        if (id == null) {
            id = configured.filter(s -> !s.isBlank()).map(InstanceId::of).orElseGet(InstanceId::generate);
        }
        return id;
    }
}
