package org.grace.webapp.settings;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One trusted proxy: an address ({@code 10.0.0.5}) or a CIDR range ({@code 10.0.0.0/8}, {@code fd00::/8}). Parsed
 * from literals only: a host name here would make every request wait on DNS.
 */
public record AddressRange(byte[] network, int prefixBits) {

    public static AddressRange parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address or CIDR range");
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("prefix length is not a number");
            }
            if (bits < 0 || bits > bytes.length * 8) {
                throw new IllegalArgumentException("prefix length must be 0-" + bytes.length * 8);
            }
        }
        return new AddressRange(bytes, bits);
    }

    public boolean contains(String address) {
        byte[] candidate = literal(address);
        if (candidate == null || candidate.length != network.length) {
            return false;
        }
        BigInteger mask = prefixBits == 0 ? BigInteger.ZERO
                : BigInteger.ONE.shiftLeft(prefixBits).subtract(BigInteger.ONE).shiftLeft(network.length * 8 - prefixBits);
        return new BigInteger(1, candidate).and(mask).equals(new BigInteger(1, network).and(mask));
    }

    /** The bytes of an IPv4 or IPv6 literal, or null when {@code s} is not one (never a DNS lookup). */
    public static byte[] literal(String s) {
        if (s == null || s.isEmpty() || !s.matches("[0-9A-Fa-f:.\\[\\]%a-z]+") || !s.matches(".*[.:].*")) {
            return null;
        }
        String bare = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (!bare.contains(":") && !bare.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null;
        }
        try {
            return InetAddress.getByName(bare).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }
}
