package org.grace.archfixture.users;

/** Fixture for PackageStructureTest: a domain-area class. */
public record Person(String name) {
}
