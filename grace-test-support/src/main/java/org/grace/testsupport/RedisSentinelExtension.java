package org.grace.testsupport;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link RedisSentinelGroup} (master, replica, three sentinels) for a test class ({@link WithRedisSentinel}):
 * a parameter of that type gets the class's group, started the first time one asks for it and stopped when the
 * class ends. After every test the group is {@link RedisSentinelGroup#heal() healed} (a killed master started again
 * and turned into a replica by the sentinels), so each test starts with a master and a healthy replica, though not
 * necessarily on the same ports as the test before.
 */
public final class RedisSentinelExtension extends ServerExtension<RedisSentinelGroup> implements AfterEachCallback {
    private static final ServerStore<RedisSentinelGroup> GROUPS =
            ServerStore.perClass(RedisSentinelExtension.class, RedisSentinelGroup.class, RedisSentinelGroup::start);

    public RedisSentinelExtension() {
        super(GROUPS);
    }

    /** The class's group, started on first use; for other extensions that build on it (Grace instances). */
    public static RedisSentinelGroup classGroup(ExtensionContext context) {
        return GROUPS.ofClass(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        GROUPS.ifMade(context, RedisSentinelGroup::heal);
    }
}
