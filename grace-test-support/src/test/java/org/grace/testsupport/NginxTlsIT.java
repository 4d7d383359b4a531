package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.grace.testsupport.NginxExtension.NginxLoadBalancers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The role's TLS at the edge (issue #19), on nginx rendered from the role's template with a certificate of a
 * throwaway CA: plain HTTP answers 301 to the same URL over HTTPS, HTTPS is verified against that CA and proxied with
 * {@code X-Forwarded-Proto: https}, HSTS is on every answer (nginx's own JSON errors too), and only TLS 1.2 and 1.3
 * are spoken.
 */
@WithNginx
class NginxTlsIT {
    private static final List<String> FORWARDED_PROTO = new ArrayList<>();
    private static HttpServer backend;
    private static TestCertificates certificates;
    private static HttpClient https;

    @BeforeAll
    static void start() throws IOException {
        certificates = TestCertificates.create(ProjectLayout.scratch("tls-"));
        https = HttpClient.newBuilder().sslContext(certificates.sslContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.next()), 16);
        backend.createContext("/", exchange -> {
            synchronized (FORWARDED_PROTO) {
                FORWARDED_PROTO.add(exchange.getRequestHeaders().getFirst("X-Forwarded-Proto"));
            }
            byte[] body = "{\"hello\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
    }

    @AfterAll
    static void stop() {
        backend.stop(0);
    }

    private static NginxLoadBalancer withTls(NginxLoadBalancers nginx, int tlsPort) {
        return nginx.start(List.of(backend.getAddress().getPort()), Map.of(
                "grace_lb_tls_certificate", certificates.chain().toString(),
                "grace_lb_tls_certificate_key", certificates.key().toString(),
                "grace_lb_tls_listen", "127.0.0.1:" + tlsPort));
    }

    @Test
    void plainHttpIsRedirectedAndHttpsIsVerifiedProxiedAndStrict(NginxLoadBalancers nginx) throws Exception {
        int tlsPort = FreePorts.next();
        NginxLoadBalancer lb = withTls(nginx, tlsPort);
        String httpsBase = "https://127.0.0.1:" + tlsPort;

        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(lb.url() + "/staff/?tab=alerts")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(301);
        assertThat(plain.headers().firstValue("Location")).hasValue(httpsBase + "/staff/?tab=alerts");
        synchronized (FORWARDED_PROTO) {
            assertThat(FORWARDED_PROTO).as("nothing proxied over plain HTTP").isEmpty();
        }

        HttpResponse<String> secure = https.send(HttpRequest.newBuilder(URI.create(httpsBase + "/api/anything"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(secure.statusCode()).isEqualTo(200);
        assertThat(secure.body()).isEqualTo("{\"hello\":true}");
        assertThat(secure.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=63072000");
        assertThat(secure.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isIn("TLSv1.2", "TLSv1.3"));
        synchronized (FORWARDED_PROTO) {
            assertThat(FORWARDED_PROTO).containsExactly("https");
        }

        // nginx's own error, answered by an error location with headers of its own: still JSON, still HSTS.
        HttpResponse<String> tooLarge = https.send(HttpRequest.newBuilder(URI.create(httpsBase + "/api/anything"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[3 * 1024 * 1024]))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).startsWith("{\"status\":413,");
        assertThat(tooLarge.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=63072000");

        // Every line of the template that has no expression, as far as TLS mode renders it, is in the file.
        String rendered = Files.readString(lb.siteConfiguration());
        assertThat(rendered).contains("listen 127.0.0.1:" + tlsPort + " ssl http2;")
                .contains("ssl_protocols TLSv1.2 TLSv1.3;");
    }

    @Test
    void onlyTls12And13AreSpoken(NginxLoadBalancers nginx) {
        int tlsPort = FreePorts.next();
        withTls(nginx, tlsPort);
        // The client is allowed every version down to TLS 1.0 (security level 0), so a refusal is the server's.
        assertThat(handshake(tlsPort, "-tls1_2")).contains("Protocol  : TLSv1.2").contains("Verify return code: 0 (ok)")
                .containsPattern("Cipher is ECDHE-(RSA|ECDSA)-");
        assertThat(handshake(tlsPort, "-tls1_3")).contains("New, TLSv1.3, Cipher is TLS_")
                .contains("Verify return code: 0 (ok)");
        // The server's alert 70 (protocol_version), and no session: no certificate, no cipher.
        assertThat(handshake(tlsPort, "-tls1_1")).contains("alert protocol version")
                .contains("no peer certificate available").contains("Cipher is (NONE)");
        assertThat(handshake(tlsPort, "-tls1")).contains("alert protocol version")
                .contains("no peer certificate available").contains("Cipher is (NONE)");
    }

    private static String handshake(int port, String version) {
        String openssl = DebianPackages.ensure("openssl", "openssl");
        try {
            Process p = new ProcessBuilder(openssl, "s_client", "-connect", "127.0.0.1:" + port, version,
                    "-cipher", "DEFAULT:@SECLEVEL=0", "-CAfile", certificates.ca().toString(), "-servername",
                    "localhost").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            System.out.printf("openssl s_client %s: exit %d%n", version, p.exitValue());
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
