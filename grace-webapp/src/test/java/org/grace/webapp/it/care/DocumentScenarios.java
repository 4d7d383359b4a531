package org.grace.webapp.it.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grace.webapp.it.care.CareClient.expect;
import static org.grace.webapp.it.care.CareClient.json;
import static org.grace.webapp.it.care.CareWorkflowsIT.awaitZero;
import static org.grace.webapp.it.care.CareWorkflowsIT.count;
import static org.grace.webapp.it.care.DocumentClient.sha256;
import static org.grace.webapp.it.care.DocumentClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.grace.webapp.documents.SampleFiles;
import org.grace.webapp.it.GraceProcess;

/**
 * The documents of issue 17 on the care world's three instances (called by {@link CareWorkflowsIT}, whose instances
 * they share): must-show 1 (upload on one instance, byte-identical downloads on the others, 304, exact ranges),
 * must-show 3 (hostile uploads refused with JSON 4xx and nothing stored, checked in PostgreSQL) and must-show 4
 * (every role and the other organisation against every document endpoint).
 */
final class DocumentScenarios {
    static final String CACHE_CONTROL = "private, max-age=31536000, immutable";
    private final CareWorld world;

    DocumentScenarios(CareWorld world) {
        this.world = world;
    }

    private String residentPath(int n) {
        return "/api/residents/" + world.willowResidents.get(n);
    }

    /** An incident of Willow resident 0, reported by the manager. */
    private long incidentOfResident0() {
        return expect(world.user("manager").post(world.instance(0), "/api/incidents", json("residentId",
                world.willowResidents.get(0), "categories", List.of("fall_injury"), "severity", "medium", "summary",
                "Bruise on the left hip")), 201).path("incident").path("id").asLong();
    }

    static JsonNode body(HttpResponse<byte[]> r, int status) {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.request().uri() + ": " + text(r))
                .isEqualTo(status);
        try {
            return CareClient.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text(r), e);
        }
    }

    void uploadOnOneInstanceDownloadOnTheOthers() {
        CareClient manager = world.user("manager");
        byte[] photo = SampleFiles.jpeg(800, 600);
        JsonNode doc = body(DocumentClient.upload(manager, world.instance(0), residentPath(0), photo, "image/jpeg",
                "hip photo.jpg"), 201);
        assertThat(doc.path("sha256").asText()).isEqualTo(sha256(photo));
        assertThat(doc.path("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(doc.path("size").asLong()).isEqualTo(photo.length);
        assertThat(doc.path("width").asInt()).isEqualTo(800);
        assertThat(doc.path("fileName").asText()).isEqualTo("hip photo.jpg");
        String content = doc.path("contentUrl").asText();
        String etag = "\"" + sha256(photo) + "\"";

        for (int n : new int[] {1, 2}) {
            HttpResponse<byte[]> r = DocumentClient.get(world.user("staff"), world.instance(n), content);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(sha256(r.body())).as("download on instance " + n).isEqualTo(sha256(photo));
            assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
            assertThat(r.headers().firstValue("ETag")).hasValue(etag);
            assertThat(r.headers().firstValue("Cache-Control")).hasValue(CACHE_CONTROL);
            assertThat(r.headers().firstValue("Accept-Ranges")).hasValue("bytes");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Content-Disposition").orElseThrow())
                    .startsWith("attachment; filename=\"hip photo.jpg\"");
        }
        HttpResponse<byte[]> notModified = DocumentClient.get(manager, world.instance(2), content,
                "If-None-Match", etag);
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(notModified.headers().firstValue("ETag")).hasValue(etag);
        assertThat(DocumentClient.get(manager, world.instance(2), content, "If-None-Match", "\"other\"").statusCode())
                .isEqualTo(200);

        HttpResponse<byte[]> part = DocumentClient.get(manager, world.instance(1), content, "Range", "bytes=100-1099");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(photo, 100, 1100));
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-1099/" + photo.length);
        HttpResponse<byte[]> last = DocumentClient.get(manager, world.instance(0), content, "Range", "bytes=-10");
        assertThat(last.body()).isEqualTo(Arrays.copyOfRange(photo, photo.length - 10, photo.length));
        HttpResponse<byte[]> outside = DocumentClient.get(manager, world.instance(2), content, "Range",
                "bytes=" + photo.length + "-");
        assertThat(body(outside, 416).path("status").asInt()).isEqualTo(416);
        assertThat(outside.headers().firstValue("Content-Range")).hasValue("bytes */" + photo.length);

        // A file of several blob chunks (512 KB each), multipart, on an incident: a range across a chunk boundary.
        long incident = incidentOfResident0();
        byte[] plan = bigPdf(1_300_000);
        JsonNode planDoc = body(DocumentClient.uploadMultipart(manager, world.instance(2), "/api/incidents/" + incident,
                plan, "care plan.pdf", true), 201);
        assertThat(planDoc.path("contentType").asText()).isEqualTo("application/pdf");
        assertThat(planDoc.path("incidentId").asLong()).isEqualTo(incident);
        String planUrl = planDoc.path("contentUrl").asText();
        assertThat(sha256(DocumentClient.get(manager, world.instance(0), planUrl).body())).isEqualTo(sha256(plan));
        HttpResponse<byte[]> across = DocumentClient.get(manager, world.instance(1), planUrl, "Range",
                "bytes=524000-1050000");
        assertThat(across.statusCode()).isEqualTo(206);
        assertThat(across.body()).isEqualTo(Arrays.copyOfRange(plan, 524000, 1050001));
        assertThat(ids(DocumentClient.get(manager, world.instance(0), "/api/incidents/" + incident + "/documents")))
                .containsExactly(planDoc.path("id").asLong());
        assertThat(ids(DocumentClient.get(world.user("family"), world.instance(1), residentPath(0) + "/documents")))
                .contains(doc.path("id").asLong()).doesNotContain(planDoc.path("id").asLong());

        // The same bytes twice: two documents, one blob; the blob goes when the last of them goes, not before.
        JsonNode again = body(DocumentClient.upload(world.user("director"), world.instance(1), residentPath(1), photo,
                "image/jpeg", "same.jpg"), 201);
        assertThat(count("SELECT count(*) FROM grace_blobs WHERE blob_key = ?", sha256(photo))).isEqualTo(1);
        assertThat(DocumentClient.send(manager, world.instance(0), "DELETE", "/api/documents/" + doc.path("id").asLong(),
                HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(204);
        assertThat(DocumentClient.get(manager, world.instance(1), content).statusCode()).isEqualTo(404);
        assertThat(sha256(DocumentClient.get(manager, world.instance(2), again.path("contentUrl").asText()).body()))
                .isEqualTo(sha256(photo));
        assertThat(DocumentClient.send(manager, world.instance(2), "DELETE", "/api/documents/" + again.path("id").asLong(),
                HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(204);
        try {
            awaitZero("SELECT count(*) FROM grace_blobs WHERE blob_key = ?", sha256(photo));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(count("SELECT count(*) FROM grace_blobs WHERE blob_key = ?", sha256(plan))).isEqualTo(1);
    }

    /** Must-show 3: each refused with the platform's JSON 4xx, and neither a row nor a blob left. */
    void hostileUploadsAreRefusedAndLeaveNothing() throws Exception {
        CareClient staff = world.user("staff");
        String to = residentPath(2);
        byte[] png = SampleFiles.png(40, 30);
        byte[] oversize = new byte[10 * 1024 * 1024 + 1];
        System.arraycopy(SampleFiles.jpeg(64, 48), 0, oversize, 0, 600);
        record Case(String what, int status, Function<GraceProcess, HttpResponse<byte[]>> send) {
        }
        List<Case> cases = List.of(
                new Case("HTML renamed .png", 415, i -> DocumentClient.upload(staff, i, to, SampleFiles.htmlRenamedPng(),
                        "image/png", "photo.png")),
                new Case("PHP renamed .png", 415, i -> DocumentClient.upload(staff, i, to, SampleFiles.php(),
                        "image/png", "shell.php.png")),
                new Case("SVG with script", 415, i -> DocumentClient.upload(staff, i, to, SampleFiles.svgWithScript(),
                        "image/svg+xml", "drawing.svg")),
                new Case("PNG bomb 65535 x 65535", 422, i -> DocumentClient.upload(staff, i, to,
                        SampleFiles.pngBomb(65535, 65535), "image/png", "bomb.png")),
                new Case("truncated JPEG", 422, i -> DocumentClient.upload(staff, i, to, SampleFiles.truncatedJpeg(70),
                        "image/jpeg", "cut.jpg")),
                new Case("path traversal name", 400, i -> DocumentClient.upload(staff, i, to, png, "image/png",
                        "../../../etc/cron.d/x.png")),
                new Case("path traversal name in multipart", 400, i -> DocumentClient.uploadMultipart(staff, i, to, png,
                        "..\\..\\boot.png", true)),
                new Case("multipart cut short", 400, i -> DocumentClient.uploadMultipart(staff, i, to, png, "a.png",
                        false)),
                new Case("over-size body, declared", 413, i -> DocumentClient.upload(staff, i, to, oversize,
                        "image/jpeg", "big.jpg")),
                new Case("over-size body, chunked", 413, i -> DocumentClient.uploadChunked(staff, i, to, oversize,
                        "image/jpeg")));
        // The scenarios before leave background work (thumbnails, deletion of unreferenced blobs) that changes the
        // same tables: wait for it, so the counts below move only by what these uploads do. Without this a full run
        // once saw "chunks 4->3" around the first case while such a job finished.
        awaitZero("SELECT count(*) FROM grace_jobs WHERE type LIKE 'documents-%' AND status IN ('pending', 'running')");
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Case c : cases) {
            long rows = count("SELECT count(*) FROM documents");
            long blobs = count("SELECT count(*) FROM grace_blobs");
            long chunks = count("SELECT count(*) FROM grace_blob_chunks");
            HttpResponse<byte[]> r = c.send().apply(world.instance(n++));
            JsonNode error = body(r, c.status());
            if (error.path("status").asInt() != c.status() || error.path("requestId").asText().isEmpty()
                    || error.path("message").asText().isEmpty()) {
                failures.add(c.what() + ": not the platform's JSON error: " + text(r));
            }
            long rowsAfter = count("SELECT count(*) FROM documents");
            long blobsAfter = count("SELECT count(*) FROM grace_blobs");
            long chunksAfter = count("SELECT count(*) FROM grace_blob_chunks");
            if (rowsAfter != rows || blobsAfter != blobs || chunksAfter != chunks) {
                failures.add(c.what() + ": stored something (documents " + rows + "->" + rowsAfter + ", blobs "
                        + blobs + "->" + blobsAfter + ", chunks " + chunks + "->" + chunksAfter + ")");
            }
            System.out.println("DocumentScenarios hostile: " + c.what() + " -> " + r.statusCode() + " "
                    + error.path("message").asText());
        }
        assertThat(failures).isEmpty();

        // Over the organisation's quota: Oak House holds (in the database) all but 100 bytes of its 20 GB.
        long oakAdmin = world.userId("bAdmin");
        try (var c = world.db().getConnection(); var ps = c.prepareStatement("INSERT INTO documents (organization_id,"
                + " resident_id, uploaded_by, file_name, content_type, size_bytes, sha256) SELECT organization_id, id, "
                + "?, 'archive.pdf', 'application/pdf', ?, ? FROM residents WHERE id = ?")) {
            ps.setLong(1, oakAdmin);
            ps.setLong(2, 20L * 1024 * 1024 * 1024 - 100);
            ps.setString(3, "0".repeat(64));
            ps.setLong(4, world.oakResident);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        long blobs = count("SELECT count(*) FROM grace_blobs");
        JsonNode quota = body(DocumentClient.upload(world.user("bAdmin"), world.instance(1),
                "/api/residents/" + world.oakResident, png, "image/png", "one more.png"), 413);
        assertThat(quota.path("message").asText()).contains("quota");
        assertThat(count("SELECT count(*) FROM grace_blobs")).isEqualTo(blobs);
        assertThat(count("SELECT count(*) FROM documents WHERE sha256 = ?", sha256(png))).isZero();
        try (var c = world.db().getConnection(); var ps = c.prepareStatement("DELETE FROM documents WHERE sha256 = ?")) {
            ps.setString(1, "0".repeat(64));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** Must-show 4: every role and the other organisation against every document endpoint. */
    void everyDocumentEndpointAnswersEachRoleAsTheResidentsRulesSay() {
        CareClient manager = world.user("manager");
        long incident = incidentOfResident0();
        byte[] png = SampleFiles.png(12, 12);
        long resident0Doc = body(DocumentClient.upload(manager, world.instance(0), residentPath(0), png, "image/png",
                "r0.png"), 201).path("id").asLong();
        long resident1Doc = body(DocumentClient.upload(manager, world.instance(1), residentPath(1), png, "image/png",
                "r1.png"), 201).path("id").asLong();
        long incidentDoc = body(DocumentClient.upload(manager, world.instance(2), "/api/incidents/" + incident, png,
                "image/png", "i.png"), 201).path("id").asLong();
        Map<String, Long> deletable = new java.util.LinkedHashMap<>();
        for (String role : CareWorkflowsIT.ROLES) {
            deletable.put(role, body(DocumentClient.upload(manager, world.instance(0), residentPath(0), png,
                    "image/png", "for " + role + ".png"), 201).path("id").asLong());
        }
        String incidentPath = "/api/incidents/" + incident;
        record Row(String method, String path, boolean upload, String spec) {
        }
        List<Row> table = new ArrayList<>(List.of(
                new Row("POST", residentPath(0) + "/documents", true, "admin=201 director=201 manager=201 staff=201 family=403 manager2=404 bAdmin=404"),
                new Row("GET", residentPath(0) + "/documents", false, "admin=200 director=200 manager=200 staff=200 family=200 manager2=404 bAdmin=404"),
                new Row("GET", residentPath(1) + "/documents", false, "admin=200 director=200 manager=200 staff=200 family=404 manager2=404 bAdmin=404"),
                new Row("POST", incidentPath + "/documents", true, "admin=201 director=201 manager=201 staff=201 family=403 manager2=404 bAdmin=404"),
                new Row("GET", incidentPath + "/documents", false, "admin=200 director=200 manager=200 staff=200 family=403 manager2=404 bAdmin=404"),
                new Row("GET", "/api/documents/" + resident0Doc, false, "admin=200 director=200 manager=200 staff=200 family=200 manager2=404 bAdmin=404"),
                new Row("GET", "/api/documents/" + resident0Doc + "/content", false, "admin=200 director=200 manager=200 staff=200 family=200 manager2=404 bAdmin=404"),
                new Row("GET", "/api/documents/" + resident1Doc, false, "admin=200 director=200 manager=200 staff=200 family=404 manager2=404 bAdmin=404"),
                new Row("GET", "/api/documents/" + resident1Doc + "/content", false, "admin=200 director=200 manager=200 staff=200 family=404 manager2=404 bAdmin=404"),
                new Row("GET", "/api/documents/" + incidentDoc, false, "admin=200 director=200 manager=200 staff=200 family=404 manager2=404 bAdmin=404"),
                new Row("GET", "/api/documents/" + incidentDoc + "/content", false, "admin=200 director=200 manager=200 staff=200 family=404 manager2=404 bAdmin=404"),
                new Row("DELETE", "/api/documents/{deletable}", false, "admin=204 director=204 manager=204 staff=403 family=403 manager2=404 bAdmin=404")));
        List<String> failures = new ArrayList<>();
        int n = 0;
        int checked = 0;
        for (Row row : table) {
            Map<String, String> want = CareWorkflowsIT.expected(row.spec());
            List<String> callers = new ArrayList<>(CareWorkflowsIT.ROLES);
            callers.add("anonymous");
            for (String role : callers) {
                CareClient caller = role.equals("anonymous") ? new CareClient("anonymous", null) : world.user(role);
                String path = row.path().replace("{deletable}", String.valueOf(deletable.get(role)));
                if (role.equals("anonymous")) {
                    path = row.path().replace("{deletable}", String.valueOf(deletable.get("manager2")));
                }
                GraceProcess instance = world.instance(n++);
                HttpResponse<byte[]> r = row.upload()
                        ? DocumentClient.upload(caller, instance, path.replace("/documents", ""), png, "image/png",
                        role + ".png")
                        : DocumentClient.send(caller, instance, row.method(), path,
                        HttpRequest.BodyPublishers.noBody());
                checked++;
                String expected = role.equals("anonymous") ? "401" : want.get(role);
                if (!expected.equals(Integer.toString(r.statusCode()))) {
                    failures.add(row.method() + " " + path + " as " + role + ": want " + expected + ", got "
                            + r.statusCode() + " " + text(r));
                } else if (r.statusCode() >= 400) {
                    JsonNode error = body(r, r.statusCode());
                    if (error.path("status").asInt() != r.statusCode() || error.path("requestId").asText().isEmpty()) {
                        failures.add(row.method() + " " + path + " as " + role + ": not JSON: " + text(r));
                    }
                }
            }
        }
        System.out.println("DocumentScenarios isolation: " + table.size() + " endpoints x "
                + (CareWorkflowsIT.ROLES.size() + 1) + " callers = " + checked + " answers checked, mismatches: "
                + failures.size());
        assertThat(failures).isEmpty();
        // Care staff may delete what they uploaded themselves.
        long own = body(DocumentClient.upload(world.user("staff"), world.instance(1), residentPath(0), png, "image/png",
                "mine.png"), 201).path("id").asLong();
        assertThat(DocumentClient.send(world.user("staff"), world.instance(2), "DELETE", "/api/documents/" + own,
                HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(204);
    }

    /** Priority 6 of the brief: a photo gets thumbnails by a job, without its EXIF, and they go with the photo. */
    void photosGetThumbnailsWithoutTheirLocation() throws Exception {
        CareClient staff = world.user("staff");
        byte[] photo = SampleFiles.jpegWithExifLocation(1600, 1200);
        JsonNode doc = body(DocumentClient.upload(staff, world.instance(0), residentPath(3), photo, "image/jpeg",
                "portrait.jpg"), 201);
        long id = doc.path("id").asLong();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (count("SELECT count(*) FROM document_thumbnails WHERE document_id = ?", id) < 3) {
            assertThat(System.nanoTime()).as("thumbnails made within 60 s").isLessThan(deadline);
            Thread.sleep(200);
        }
        List<String> hashes = new ArrayList<>();
        for (int size : new int[] {64, 128, 256}) {
            HttpResponse<byte[]> r = DocumentClient.get(staff, world.instance(size / 64),
                    "/api/documents/" + id + "/content?size=" + size);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue(CACHE_CONTROL);
            assertThat(new String(r.body(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("Exif")
                    .doesNotContain("GPSLatitude");
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(r.body()));
            assertThat(Math.max(image.getWidth(), image.getHeight())).isEqualTo(size);
            hashes.add(sha256(r.body()));
        }
        assertThat(body(DocumentClient.get(staff, world.instance(1), "/api/documents/" + id + "/content?size=100"), 400)
                .path("fields").has("size")).isTrue();
        assertThat(DocumentClient.send(world.user("manager"), world.instance(2), "DELETE", "/api/documents/" + id,
                HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(204);
        for (String hash : hashes) {
            awaitZero("SELECT count(*) FROM grace_blobs WHERE blob_key = ?", hash);
        }
        awaitZero("SELECT count(*) FROM grace_blobs WHERE blob_key = ?", sha256(photo));
    }

    private static List<Long> ids(HttpResponse<byte[]> r) {
        List<Long> out = new ArrayList<>();
        body(r, 200).forEach(d -> out.add(d.path("id").asLong()));
        return out;
    }

    /** A PDF of about {@code size} bytes: its header, random bytes, its end. */
    private static byte[] bigPdf(int size) {
        byte[] pdf = SampleFiles.pdf();
        byte[] big = new byte[size];
        new Random(17).nextBytes(big);
        System.arraycopy(pdf, 0, big, 0, 9);
        System.arraycopy(pdf, 0, big, size - pdf.length, pdf.length);
        return big;
    }
}
