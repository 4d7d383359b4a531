# Counts the attempts nginx sent to the upstream servers named in `servers` ("address:port" entries separated by
# spaces: one canary, or a colour on every node), and those answered with a 5xx, in grace_upstream log lines
# ($msec TAB $status TAB $upstream_addr TAB $upstream_status ...) stamped at or after `since`.
# A retried request lists every attempt ("a:1, b:2" with statuses "502, 200"): each is charged to its own server,
# so a canary's 502 counts against it even when another node answered the client in the end.
# Reads the files named in `files` with getline, so a file that does not exist (no rotation yet) is skipped.
BEGIN {
    requests = 0
    errors = 0
    wanted = split(servers, list, " ")
    for (w = 1; w <= wanted; w++) watched[list[w]] = 1
    count = split(files, paths, " ")
    for (f = 1; f <= count; f++) {
        while ((getline line < paths[f]) > 0) {
            split(line, field, "\t")
            if (field[1] + 0 < since + 0) continue
            attempts = split(field[3], addrs, /, | : /)
            split(field[4], codes, /, | : /)
            for (i = 1; i <= attempts; i++) {
                if (!(addrs[i] in watched)) continue
                requests++
                if (codes[i] ~ /^5/) errors++
            }
        }
        close(paths[f])
    }
    printf "{\"requests\": %d, \"errors\": %d}\n", requests, errors
}
