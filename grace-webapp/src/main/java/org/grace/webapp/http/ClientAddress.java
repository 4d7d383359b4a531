package org.grace.webapp.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.grace.webapp.settings.AddressRange;
import org.grace.webapp.settings.GraceSettings;

/**
 * The client's address for rate limits and logs. {@code X-Forwarded-For} is believed only when the request comes
 * from a configured trusted proxy; then the client is the right-most entry that is not itself a trusted proxy
 * (entries further left were written by the client and prove nothing).
 */
@ApplicationScoped
public class ClientAddress {
    private List<AddressRange> trusted;

    @Inject
    GraceSettings settings;

    public String of(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        List<AddressRange> proxies = trusted();
        if (proxies.isEmpty() || !isTrusted(peer, proxies)) {
            return peer;
        }
        String header = request.getHeader("X-Forwarded-For");
        if (header == null || header.isBlank()) {
            return peer;
        }
        String[] hops = header.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (AddressRange.literal(hop) == null) {
                return peer; // garbage in the chain: trust nothing beyond the proxy we know
            }
            if (!isTrusted(hop, proxies)) {
                return hop;
            }
        }
        return peer;
    }

    private static boolean isTrusted(String address, List<AddressRange> proxies) {
        for (AddressRange r : proxies) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private synchronized List<AddressRange> trusted() {
        if (trusted == null) {
            trusted = settings.trustedProxies();
        }
        return trusted;
    }
}
