#!/bin/sh
# man-icinga.sh: writes the "ICINGA 2" section of a plugin's man page as a help2man include file,
# read from the shipped CheckCommands (icinga-conf/mailrep-plugins.d/commands.conf), so that the
# page names every Icinga variable the command really has.
#
# Usage: man-icinga.sh COMMANDS.CONF COMMAND-NAME > FILE.h2m   (e.g. ... commands.conf mailrep-dnsbl)
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

conf=$1
cmd=$2
test -r "$conf" || { echo "man-icinga.sh: cannot read $conf" >&2; exit 1; }

awk -v cmd="$cmd" '
# roff-escape a piece of text: backslashes and hyphens.
function esc(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); return s }
BEGIN { inside = 0; found = 0 }
# "/*   --opt is not offered: reason */" comments just above the object.
/^\/\*   --[a-z0-9-]+ is not offered: / {
	line = $0
	sub(/^\/\*   /, "", line); sub(/ \*\/$/, "", line)
	left[++nleft] = line
	next
}
/^\/\* mailrep-/ { nleft = 0 }
$0 ~ "^object CheckCommand \"" cmd "\" \\{" { inside = 1; found = 1; next }
inside && /^}/ { inside = 0; exit }
inside && /^\t\t"--[a-z0-9-]+" = \{/ {
	opt = $1; gsub(/"/, "", opt)
	var = ""; kind = "value"; rep = 0
	next
}
inside && opt != "" && /^\t\t\t(value|set_if) = "\$[a-z0-9_]+\$"/ {
	kind = $1; var = $3; gsub(/[\"$]/, "", var)
	next
}
inside && opt != "" && /^\t\t\trepeat_key = true/ { rep = 1; next }
inside && opt != "" && /^\t\t}/ {
	if (var != "") {
		n++
		vname[n] = var; vopt[n] = opt
		vkind[n] = (kind == "set_if") ? "boolean: true adds the option" : (rep ? "array: one option per element" : "value of the option")
	}
	opt = ""
	next
}
inside && /^\tvars\.[a-z0-9_]+ = / {
	d = $0; sub(/^\tvars\./, "", d)
	ndef++; defs[ndef] = d
	next
}
END {
	if (!found) { print "man-icinga.sh: no CheckCommand " cmd > "/dev/stderr"; exit 1 }
	print "[ICINGA 2]"
	print "\"include <mailrep\\-plugins>\" after \"include <itl>\" in"
	print ".I icinga2.conf"
	print "loads the CheckCommand"
	print ".B \\%" esc(cmd)
	print "and its service template"
	print ".BR \\%" esc(cmd) "\\-service ."
	print "Each option of the plugin is the custom variable"
	print ".I \\%mailrep_<plugin>_<long option>"
	print "(hyphens become underscores), set on the service, the host or the command:"
	for (i = 1; i <= n; i++) {
		print ".TP"
		print ".B \\%vars." vname[i]
		print "\\fB" esc(vopt[i]) "\\fR (" vkind[i] ")"
	}
	if (ndef > 0) {
		print ".PP"
		print "Defaults set by the command:"
		for (i = 1; i <= ndef; i++) {
			print ".br"
			print "\\fB\\%vars." esc(defs[i]) "\\fR"
		}
	}
	if (nleft > 0) {
		print ".PP"
		print "Options without a variable:"
		for (i = 1; i <= nleft; i++) {
			print ".br"
			print esc(left[i])
		}
	}
	print ".PP"
	prefix = cmd; gsub(/-/, "_", prefix)
	print "Secrets never go into Icinga variables: use the *_file options, or name a section of the"
	print "ini file, which holds the secret:"
	print ".RS"
	print "\\fB\\%vars." prefix "_extra_opts = [ \"SECTION@$mailrep_ini$\" ]\\fR"
	print ".RE"
}
' "$conf"
