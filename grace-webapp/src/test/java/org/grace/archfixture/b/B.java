package org.grace.archfixture.b;

import org.grace.archfixture.a.A;

/** Fixture for PackageStructureTest: the other half of a package cycle. */
public class B {
    public A partner() {
        return new A();
    }
}
