package org.grace.webapp.structure;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, on the compiled main code of grace-webapp and grace-core-lib:
 * <ul>
 *   <li>the packages of each module form a directed acyclic graph (no two packages reach each other, directly or
 *       through others);</li>
 *   <li>grace-webapp's platform packages ({@link #PLATFORM}: HTTP infrastructure, adapters, settings) never use a
 *       domain-area package (auth, signin, users, health, startup, and every care area to come): they offer hooks
 *       instead, and whatever needs the caller sits above them.</li>
 * </ul>
 * Each rule runs twice: with ArchUnit on the bytecode, and on the source's imports and written-out names
 * ({@link SourceReferences}), because a constant the compiler inlines ({@code static final String}) leaves no trace
 * in bytecode. The rules are written once for any root package, and the fixture tests run them on small packages
 * with a cycle and with a platform class that uses a domain class, so a rule that could not fail would be noticed.
 */
class PackageStructureTest {
    /** grace-webapp's packages below the domain areas, in the order they may use each other (lower ones last). */
    static final List<String> PLATFORM = List.of("http", "ratelimit", "library", "redis", "database", "metrics",
            "settings");

    private static final JavaClasses WEBAPP = mainClasses("org.grace.webapp");
    private static final JavaClasses LIBRARY = mainClasses("org.grace.core");

    @Test
    void webappPackagesFormNoCycle() {
        assertThat(packagesOf(WEBAPP, "org.grace.webapp")).contains("auth", "users", "http", "settings");
        noCycles("org.grace.webapp").check(WEBAPP);
    }

    @Test
    void libraryPackagesFormNoCycle() {
        assertThat(packagesOf(LIBRARY, "org.grace.core")).contains("cache", "ratelimit", "jobs", "events", "redis");
        noCycles("org.grace.core").check(LIBRARY);
    }

    @Test
    void platformPackagesNeverUseDomainPackages() {
        platformUsesNoDomain("org.grace.webapp", PLATFORM).check(WEBAPP);
    }

    @Test
    void theCycleRuleFailsOnACycle() {
        JavaClasses fixture = new ClassFileImporter().importPackages("org.grace.archfixture.a",
                "org.grace.archfixture.b");
        assertThat(noCycles("org.grace.archfixture").evaluate(fixture).hasViolation()).isTrue();
    }

    @Test
    void thePlatformRuleFailsWhenPlatformUsesADomainPackage() {
        JavaClasses fixture = new ClassFileImporter().importPackages("org.grace.archfixture.http",
                "org.grace.archfixture.users");
        assertThat(platformUsesNoDomain("org.grace.archfixture", List.of("http")).evaluate(fixture).hasViolation())
                .isTrue();
    }

    @Test
    void sourceReferencesFormNoCycleAndKeepPlatformBelowTheDomain() {
        SourceReferences webapp = SourceReferences.read(Path.of("src/main/java"), "org.grace.webapp");
        assertThat(webapp.packages()).contains("auth", "users", "http", "settings");
        assertThat(webapp.anyCycle()).as("a cycle of grace-webapp's packages in the source").isEmpty();
        for (String platform : PLATFORM) {
            assertThat(webapp.referencedBy(platform)).as("packages that platform package " + platform + " names")
                    .allMatch(PLATFORM::contains);
        }
        SourceReferences library = SourceReferences.read(Path.of("../grace-core-lib/src/main/java"), "org.grace.core");
        assertThat(library.packages()).contains("cache", "ratelimit", "jobs");
        assertThat(library.anyCycle()).as("a cycle of grace-core-lib's packages in the source").isEmpty();
    }

    @Test
    void theSourceCheckFindsTheFixturesCycle() {
        SourceReferences fixture = SourceReferences.read(Path.of("src/test/java/org/grace/archfixture"),
                "org.grace.archfixture");
        assertThat(fixture.anyCycle()).hasValueSatisfying(cycle -> assertThat(cycle).containsSequence("a", "b", "a")
                .hasSize(3));
        assertThat(fixture.referencedBy("http")).containsExactly("users");
    }

    /**
     * A resource holds nothing of a request (its fields are injected services and Jersey's request proxies), so it
     * is one instance: a request-scoped resource made Jersey analyse and inject its fields by reflection on every
     * request, 5.5 % of the CPU samples of {@code GET /api/auth/me} (issue #15, results/efficiency.md).
     */
    @Test
    void resourcesAreOneInstanceForTheApplication() {
        classes().that().areAnnotatedWith(jakarta.ws.rs.Path.class).and().resideInAPackage("org.grace.webapp..")
                .should().beAnnotatedWith(jakarta.enterprise.context.ApplicationScoped.class)
                .because("a per-request resource costs a reflective injection on every request")
                .check(WEBAPP);
    }

    static ArchRule noCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    static ArchRule platformUsesNoDomain(String root, List<String> platform) {
        String[] platformPackages = platform.stream().map(p -> root + "." + p + "..").toArray(String[]::new);
        DescribedPredicate<JavaClass> allowed = DescribedPredicate.describe(
                "outside " + root + " or in a platform package " + platform,
                c -> !c.getPackageName().startsWith(root + ".")
                        || Arrays.stream(platformPackages).anyMatch(p -> c.getPackageName().equals(p.replace("..", ""))
                        || c.getPackageName().startsWith(p.replace("..", "."))));
        return classes().that().resideInAnyPackage(platformPackages).should().onlyDependOnClassesThat(allowed)
                .because("platform code offers hooks to the domain areas above it and never uses them");
    }

    /** The main classes under {@code root} (their dependencies outside it are not imported: archunit.properties). */
    private static JavaClasses mainClasses(String root) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(root);
    }

    private static List<String> packagesOf(JavaClasses classes, String root) {
        return classes.stream().map(JavaClass::getPackageName).filter(p -> p.startsWith(root + "."))
                .map(p -> p.substring(root.length() + 1).split("\\.")[0]).distinct().sorted()
                .collect(Collectors.toList());
    }
}
