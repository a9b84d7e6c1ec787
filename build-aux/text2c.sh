#!/bin/sh
# text2c.sh NAME < file > file.c: emit a C file defining `const char NAME[]` holding stdin verbatim.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
name="$1"
printf '/* Generated from a data file by build-aux/text2c.sh; do not edit. */\n'
printf 'extern const char %s[];\n' "$name"
printf 'const char %s[] =\n' "$name"
# Escape backslashes and quotes, keep each line as one string literal.
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/'
printf ';\n'
