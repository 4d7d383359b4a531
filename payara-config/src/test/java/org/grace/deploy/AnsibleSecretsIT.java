package org.grace.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.grace.testsupport.DebianPackages;
import org.grace.testsupport.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * The playbooks refuse to run without their secrets (ansible/check-secrets.yml): runs {@code ansible/test/secrets.sh},
 * which drives ansible-playbook on this machine only (the refusal comes before any host is contacted), and holds it
 * to every scenario it reports. Lives with the deployment configuration because the playbooks have no module of
 * their own.
 */
class AnsibleSecretsIT {

    @Test
    void everyPlaybookRefusesMissingOrPlaceholderSecretsOutsideDevelopment() throws IOException, InterruptedException {
        // The full package (ansible-community is its own command): the roles use community.postgresql, which
        // ansible-core alone (what the nginx template renderer installs) lacks, and site.yml is parsed whole.
        DebianPackages.ensure("ansible-community", "ansible");
        DebianPackages.ensure("openssl", "openssl");
        Process script = new ProcessBuilder("bash", ProjectLayout.root().resolve("ansible/test/secrets.sh").toString())
                .redirectErrorStream(true).start();
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(5, TimeUnit.MINUTES)).as("secrets.sh finished").isTrue();
        System.out.print(output);
        List<String> scenarios = output.lines().filter(l -> l.startsWith("secrets: ")).toList();
        assertThat(scenarios).as(output).hasSize(8).allSatisfy(l -> assertThat(l).contains(" ok "));
        assertThat(scenarios.get(0)).contains("refused=6 (grace_db_password grace_redis_password "
                + "grace_redis_replication_password grace_redis_sentinel_password grace_backup_cipher_pass "
                + "grace_auth_signing_key)");
        assertThat(output).contains("secrets: production, no backup host: refused")
                .contains("refused=1 (grace_backup)");
        assertThat(script.exitValue()).as(output).isZero();
    }
}
