package org.grace.webapp.documents;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * File names as uploaders give them, made safe to store and to send back. A name is only a label (the bytes live
 * under their hash, never under a name), but it returns in {@code Content-Disposition} and on pages, so: a name that
 * tries to be a path ({@code ../../etc/passwd}, {@code C:\boot.ini}) is refused rather than quietly cut; control
 * characters are refused; the rest is NFC-normalised, its spaces collapsed, limited to {@link #MAX_LENGTH} characters,
 * and given the extension of its sniffed type when it has another one.
 */
final class FileNames {
    static final int MAX_LENGTH = 200;

    private FileNames() {
    }

    /** The name to store for an upload of {@code type}; {@code raw} may be null (a name is made up then). */
    static String sanitise(String raw, FileType type) throws UploadRefused {
        String name = check(raw);
        if (name.isEmpty()) {
            return "document." + type.extensions().get(0);
        }
        name = name.replaceAll("\\s+", " ");
        String extension = extensionOf(name);
        if (!type.extensions().contains(extension)) {
            name = name + "." + type.extensions().get(0);
        }
        if (name.length() > MAX_LENGTH) {
            String suffix = name.substring(name.lastIndexOf('.'));
            name = name.substring(0, MAX_LENGTH - suffix.length()).strip() + suffix;
        }
        return name;
    }

    /**
     * {@code raw} NFC-normalised and stripped ("" for none), or refused: a path, or control or invisible characters.
     * Runs before any byte of the upload is read.
     */
    static String check(String raw) throws UploadRefused {
        String name = raw == null ? "" : Normalizer.normalize(raw, Normalizer.Form.NFC).strip();
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.equals(".") || name.equals("..")
                || name.matches("^[A-Za-z]:.*")) {
            throw new UploadRefused(400, "the file name must be a plain name, not a path: '" + printable(name) + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c) && !validSurrogate(name, i)) {
                throw new UploadRefused(400, "the file name has control or invisible characters");
            }
        }
        return name;
    }

    /**
     * {@code Content-Disposition: attachment} for {@code name}: an ASCII fallback for old clients and the exact name
     * in RFC 5987 form ({@code filename*}).
     */
    static String attachment(String name) {
        StringBuilder ascii = new StringBuilder();
        for (char c : name.toCharArray()) {
            ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != ';' && c != '%' ? c : '_');
        }
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    private static String extensionOf(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static String printable(String name) {
        String cut = name.length() > 80 ? name.substring(0, 80) + "..." : name;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
