package org.grace.archfixture.a;

import org.grace.archfixture.b.B;

/** Fixture for PackageStructureTest: half of a package cycle (a uses b, b uses a). */
public class A {
    public B partner() {
        return new B();
    }
}
