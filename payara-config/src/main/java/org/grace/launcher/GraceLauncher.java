package org.grace.launcher;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts one Grace instance: checks the settings, starts the embedded PostgreSQL when {@code GRACE_DB_URL} is not
 * set (development only), then runs Payara Micro with the Grace WAR and waits. Ctrl-C (or SIGTERM from a service
 * manager) stops Payara Micro and then the embedded database.
 *
 * <pre>
 * java -cp 'payara-config/target/grace-launcher.jar:payara-config/target/lib/*' org.grace.launcher.GraceLauncher \
 *      --war grace-webapp/target/grace.war [--port 8080] [--profile development|staging|production] [--root DIR] [--name NAME]
 *      [--payara-micro JAR] [--data-dir DIR]
 * </pre>
 * Exit codes: Payara Micro's own, 64 for bad arguments, 78 for bad configuration.
 */
public final class GraceLauncher {
    static final int EXIT_USAGE = 64;
    static final int EXIT_CONFIG = 78;

    private GraceLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("grace: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        List<String> problems = ConfigurationCheck.problems(env);
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("grace: configuration error: " + p));
            System.exit(EXIT_CONFIG);
            return;
        }
        String profile = options.getOrDefault("profile", env.getOrDefault("GRACE_PROFILE", "development"));
        if (!PayaraInstance.JvmProfiles.NAMES.contains(profile)) {
            System.err.println("grace: configuration error: profile '" + profile + "' is unknown; expected one of "
                    + PayaraInstance.JvmProfiles.NAMES);
            System.exit(EXIT_CONFIG);
            return;
        }
        int port;
        try {
            port = Integer.parseInt(options.getOrDefault("port", env.getOrDefault("GRACE_PORT", "8080")));
        } catch (NumberFormatException e) {
            System.err.println("grace: configuration error: GRACE_PORT / --port is not a number");
            System.exit(EXIT_CONFIG);
            return;
        }
        Path home = launcherDir();
        Path payaraJar = Path.of(options.getOrDefault("payara-micro", home.resolve("payara-micro.jar").toString()));
        Path war = Path.of(options.getOrDefault("war", env.getOrDefault("GRACE_WAR", "grace-webapp/target/grace.war")));
        Path root = Path.of(options.getOrDefault("root", ".grace/instance-" + port)).toAbsolutePath();

        EmbeddedDatabase database = null;
        Map<String, String> childEnv = new HashMap<>();
        if (env.get("GRACE_DB_URL") == null) {
            if (!profile.equals("development")) {
                System.err.println("grace: configuration error: GRACE_DB_URL is not set; the embedded PostgreSQL is "
                        + "for the development profile only");
                System.exit(EXIT_CONFIG);
                return;
            }
            Path dataDir = Path.of(options.getOrDefault("data-dir", ".grace/postgres")).toAbsolutePath();
            database = EmbeddedDatabase.start(dataDir,
                    Integer.parseInt(env.getOrDefault("GRACE_EMBEDDED_DB_PORT", "0")));
            childEnv.put("GRACE_DB_URL", database.jdbcUrl());
            childEnv.put("GRACE_DB_USER", "postgres");
            childEnv.put("GRACE_DB_PASSWORD", "");
            System.out.println("grace: GRACE_DB_URL is not set: started the embedded PostgreSQL at "
                    + database.jdbcUrl() + " with its data in " + dataDir
                    + " (kept across restarts; delete the folder to start afresh)");
        }

        PayaraInstance.Builder builder = PayaraInstance.builder()
                .payaraMicroJar(payaraJar).war(war).port(port).rootDir(root).profile(profile).env(childEnv);
        if (options.containsKey("name")) {
            builder.name(options.get("name"));
        }
        PayaraInstance instance;
        try {
            instance = builder.start();
        } catch (IllegalStateException e) {
            System.err.println("grace: " + e.getMessage());
            if (database != null) {
                database.close();
            }
            System.exit(EXIT_CONFIG);
            return;
        }
        System.out.println("grace: starting Payara Micro (" + profile + ") on http://localhost:" + port
                + "; Ctrl-C stops it" + (database != null ? " and the embedded PostgreSQL" : ""));
        EmbeddedDatabase db = database;
        Thread stopper = new Thread(() -> {
            instance.close();
            if (db != null) {
                db.close();
            }
        }, "grace-launcher-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        int code = instance.process().waitFor();
        // Payara Micro ended by itself: stop the database now rather than in the hook.
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
            if (db != null) {
                db.close();
            }
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running and will stop the database
        }
        System.exit(code);
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        List<String> known = List.of("war", "payara-micro", "port", "profile", "root", "name", "data-dir");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !known.contains(arg.substring(2))) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; known: --" + String.join(", --", known));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            options.put(arg.substring(2), args[++i]);
        }
        return options;
    }

    private static Path launcherDir() {
        try {
            Path location = Path.of(GraceLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/grace-launcher.jar -> target/ ; target/classes -> target/
            return Files.isDirectory(location) ? location.getParent() : location.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("payara-config/target").toAbsolutePath();
        }
    }
}
