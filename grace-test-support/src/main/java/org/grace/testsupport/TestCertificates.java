package org.grace.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority and one server certificate it signed, made with the {@code openssl} command
 * (installed from Debian when missing) for a TLS test: the server certificate names {@code localhost},
 * {@code 127.0.0.1} and any other names asked for, and clients trust the CA alone ({@link #sslContext()}), or a
 * browser that one key ({@link #serverKeyPin()}), so the test verifies as a browser would instead of switching
 * verification off. Nothing outside {@code dir} is read or written.
 *
 * @param ca the CA's certificate (PEM), what a client trusts
 * @param chain the server certificate followed by the CA's (PEM), what nginx serves ({@code ssl_certificate})
 * @param key the server certificate's private key (PEM), {@code ssl_certificate_key}
 */
public record TestCertificates(Path ca, Path chain, Path key) {

    /**
     * Makes a new CA and server certificate in {@code dir} (created if needed), valid for two days, for
     * {@code localhost}, {@code 127.0.0.1} and {@code dnsNames}.
     */
    public static TestCertificates create(Path dir, String... dnsNames) {
        String openssl = DebianPackages.ensure("openssl", "openssl");
        try {
            Files.createDirectories(dir);
            Path caKey = dir.resolve("ca.key");
            Path ca = dir.resolve("ca.pem");
            Path key = dir.resolve("server.key");
            Path request = dir.resolve("server.csr");
            Path server = dir.resolve("server.pem");
            Path extensions = dir.resolve("server.ext");
            Files.writeString(extensions, "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                    + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1"
                    + Arrays.stream(dnsNames).map(n -> ",DNS:" + n).collect(Collectors.joining()) + "\n");
            run(dir, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=Grace test CA", "-keyout", caKey.toString(), "-out", ca.toString());
            run(dir, openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-keyout", key.toString(), "-out", request.toString());
            run(dir, openssl, "x509", "-req", "-in", request.toString(), "-CA", ca.toString(), "-CAkey",
                    caKey.toString(), "-CAcreateserial", "-days", "2", "-extfile", extensions.toString(),
                    "-out", server.toString());
            Path chain = dir.resolve("chain.pem");
            Files.writeString(chain, Files.readString(server) + Files.readString(ca));
            return new TestCertificates(ca, chain, key);
        } catch (IOException e) {
            throw new IllegalStateException("could not write test certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A client context that trusts this CA and nothing else. */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(ca)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("grace-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not load the test CA " + ca + ": " + e.getMessage(), e);
        }
    }

    /**
     * The base64 SHA-256 of the server certificate's public key (its SubjectPublicKeyInfo): what Chromium's
     * {@code --ignore-certificate-errors-spki-list} takes to trust a certificate with that key and no other.
     */
    public String serverKeyPin() {
        try (InputStream in = Files.newInputStream(chain)) {
            byte[] spki = CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey().getEncoded();
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not read the server certificate " + chain + ": " + e.getMessage(), e);
        }
    }

    private static void run(Path dir, String... command) {
        List<String> argv = new ArrayList<>(List.of(command));
        try {
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl failed: " + String.join(" ", argv) + "\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run openssl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
