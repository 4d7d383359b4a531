package org.grace.archfixture.http;

import org.grace.archfixture.users.Person;

/** Fixture for PackageStructureTest: a platform class that wrongly uses a domain class. */
public class Greeting {
    public String greet(Person person) {
        return "hello " + person.name();
    }
}
