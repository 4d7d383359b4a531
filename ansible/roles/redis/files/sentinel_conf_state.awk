# Reads a Sentinel configuration file and prints what the redis role compares with what it wants, as JSON:
#   {"monitors": [[name, host, port, quorum], ...], "options": {"sentinel <option> <name>": value, ...},
#    "top": {"<directive>": "value", ...}}
# Sentinel rewrites this file itself (its state, known replicas and sentinels, a new primary after a failover),
# reorders it and drops options at their default, so the role judges the file by these values, not by its text.
function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
{
    sub(/\r$/, "")
    if ($0 ~ /^[ \t]*(#|$)/) next
    key = tolower($1)
    if (key == "sentinel") {
        option = tolower($2)
        if (option == "monitor") {
            monitors = monitors (monitors == "" ? "" : ", ") sprintf("[\"%s\", \"%s\", \"%s\", \"%s\"]", esc($3), esc($4), esc($5), esc($6))
        } else if (NF >= 4 && option !~ /^known-|^leader-epoch|^current-epoch|^myid|^config-epoch|^rename-command/) {
            value = $4
            for (i = 5; i <= NF; i++) value = value " " $i
            options = options (options == "" ? "" : ", ") sprintf("\"sentinel %s %s\": \"%s\"", option, esc($3), esc(value))
        }
        next
    }
    value = $2
    for (i = 3; i <= NF; i++) value = value " " $i
    gsub(/^"|"$/, "", value)
    top = top (top == "" ? "" : ", ") sprintf("\"%s\": \"%s\"", esc(key), esc(value))
}
END { printf "{\"monitors\": [%s], \"options\": {%s}, \"top\": {%s}}\n", monitors, options, top }
