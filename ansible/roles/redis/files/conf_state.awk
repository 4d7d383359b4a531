# Reads a Redis or Sentinel configuration file and prints what the redis role compares with what it wants, as JSON:
#   {"monitors": [[name, host, port, quorum], ...], "options": {"sentinel <option> [<name>]": value, ...},
#    "users": {"<user>": "<rules>", ...}, "top": {"<directive>": "value", ...}, "marked": true|false}
# "marked": the file carries the comment templates/redis.conf.j2 starts with (Redis keeps comments when it rewrites).
# Sentinel rewrites its file itself (its state, known replicas and sentinels, a new primary after a failover), and
# asks the Redis servers to rewrite theirs (CONFIG REWRITE) when it moves the primary; both reorder the file, quote
# values, write ACL users in their own form and drop options at their default. So the role judges a file by these
# values, not by its text.
function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
function rest(from,    i, v) { v = $from; for (i = from + 1; i <= NF; i++) v = v " " $i; return v }
{
    sub(/\r$/, "")
    if ($0 ~ /^[ \t]*#.*Written by the Grace redis role/) marked = 1
    if ($0 ~ /^[ \t]*(#|$)/) next
    key = tolower($1)
    if (key == "sentinel") {
        option = tolower($2)
        if (option == "monitor") {
            monitors = monitors (monitors == "" ? "" : ", ") \
                sprintf("[\"%s\", \"%s\", \"%s\", \"%s\"]", esc($3), esc($4), esc($5), esc($6))
        } else if (option ~ /^known-|^leader-epoch|^current-epoch|^myid|^config-epoch|^rename-command/) {
            # Sentinel's own state
        } else if (NF >= 4) {
            options = options (options == "" ? "" : ", ") \
                sprintf("\"sentinel %s %s\": \"%s\"", option, esc($3), esc(rest(4)))
        } else if (NF == 3) {
            # Options of the Sentinel itself, not of a monitored primary (sentinel-user, sentinel-pass, ...)
            options = options (options == "" ? "" : ", ") sprintf("\"sentinel %s\": \"%s\"", option, esc($3))
        }
        next
    }
    if (key == "user") {
        users = users (users == "" ? "" : ", ") sprintf("\"%s\": \"%s\"", esc($2), esc(rest(3)))
        next
    }
    value = rest(2)
    gsub(/^"|"$/, "", value)
    top = top (top == "" ? "" : ", ") sprintf("\"%s\": \"%s\"", esc(key), esc(value))
}
END {
    printf "{\"monitors\": [%s], \"options\": {%s}, \"users\": {%s}, \"top\": {%s}, \"marked\": %s}\n",
        monitors, options, users, top, (marked ? "true" : "false")
}
