package org.grace.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One Redis command over a fresh loopback connection, with the reply decoded: a {@code String} for simple strings,
 * errors ({@code -ERR ...} kept with its dash) and bulk strings, a {@code Long} for integers, {@code null} for a nil
 * bulk, a {@code List} for arrays. Enough to ask a server or a sentinel about itself without a client library.
 */
final class Resp {
    private Resp() {
    }

    /** Sends {@code words} to {@code 127.0.0.1:port}; an I/O failure is an {@link IOException}. */
    static Object call(int port, String... words) throws IOException {
        return exchange(port, Resp::read, words);
    }

    /** Reads what a server answered. */
    interface ReplyReader<T> {
        T read(InputStream in) throws IOException;
    }

    /** Sends {@code words} to {@code 127.0.0.1:port} and reads the reply with {@code reader}. */
    static <T> T exchange(int port, ReplyReader<T> reader, String... words) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
            for (String word : words) {
                request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(word).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return reader.read(socket.getInputStream());
        }
    }

    /** Like {@link #call} but answers {@code null} when the server cannot be reached or does not answer. */
    static Object callQuietly(int port, String... words) {
        try {
            return call(port, words);
        } catch (IOException e) {
            return null;
        }
    }

    private static Object read(InputStream in) throws IOException {
        String line = line(in);
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+':
                return rest;
            case '-':
                return line;
            case ':':
                return Long.parseLong(rest);
            case '$': {
                int length = Integer.parseInt(rest);
                if (length < 0) {
                    return null;
                }
                byte[] body = in.readNBytes(length + 2);
                return new String(body, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(rest);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply: " + line);
        }
    }

    /** The first line of a reply without its CRLF, e.g. {@code +PONG} or {@code $15}. */
    static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        if (line.length() == 0) {
            throw new IOException("connection closed without a reply");
        }
        return line.toString();
    }
}
