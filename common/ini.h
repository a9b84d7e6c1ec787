/* ini.h: the suite's one ini reader (used by --extra-opts, the DNSBL zone catalogue and the
 * Microsoft reply rules): loading a text file with a size ceiling, and one pass over ini text
 * under the suite's rules, with line numbers and one message format, "ORIGIN line N: reason".
 *
 * Why a reader of our own and not libinih: libinih's line buffer is the compile-time INI_MAX_LINE
 * (200 bytes in Debian's build; the runtime ini_max_line is a Debian-only patch), its handler gets
 * no line numbers (INI_HANDLER_LINENO is fixed when the library is built), and it judges every
 * line of every section. --extra-opts on a shared plugins.ini needs the opposite: only the asked
 * section is read, other sections may hold lines of any length (check_tcp send= strings), and an
 * error names its line. The memory is bounded by the size of the text (MR_INI_FILE_MAX), not by
 * the length of a line.
 *
 * Rules of the judged lines (all lines for mr_ini_parse; the asked section's for mr_ini_parse_buf
 * with a section):
 * - A UTF-8 byte order mark may open the text; lines end in LF or CR LF; a NUL byte is an error.
 * - mr_ini_parse (the suite's own formats) only: a line may hold at most MR_INI_LINE_MAX
 *   characters, not counting its line end and a byte order mark ("line too long"), and a key
 *   line before the first section is an error.
 * - Blank lines and lines whose first non-blank character is ';' or '#' are comments.
 * - "[name]" starts a section; the name is trimmed, may be up to a whole line long, must not
 *   be empty and must not hold '[' or ';'. Only a comment may follow the ']'.
 * - Every other line is "key = value" with blanks around both trimmed. A line without '=' is
 *   an error. Keys are letters, digits, '-' and
 *   '_', starting with a letter or a digit; values are not unquoted.
 * - ':' is not a delimiter: "a:b = c" has the key "a:b", which is an error (invalid key
 *   name). MR_INI_COLON makes "key: value" mean "key = value" for formats documented so.
 * - An indented line (a continuation line elsewhere) is an error unless
 *   MR_INI_INDENT_OK, which reads it as if it started in column 1.
 * - A ';' after a blank inside a value (an inline comment elsewhere) is an error, so no value
 *   is ever cut short silently; MR_INI_INLINE_COMMENTS makes it start a comment instead
 *   (a ';' right after the delimiter or inside a word stays in the value).
 */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_INI_H
#define MR_INI_H

#include <stddef.h>

#include "util.h"

/** Longest line of the suite's own formats (mr_ini_parse), not counting its line end; --extra-opts has no limit. */
#define MR_INI_LINE_MAX 199
/** Default ceiling for mr_ini_read_file / mr_ini_read_fd, in bytes. */
#define MR_INI_FILE_MAX (1024 * 1024)

/** Flags of mr_ini_parse: the documented leniencies of some formats. */
enum mr_ini_flag {
	MR_INI_INLINE_COMMENTS = 1 << 0, /**< a ';' after a blank starts a comment (else an error) */
	MR_INI_COLON = 1 << 1,           /**< "key: value" reads as "key = value" (first '=' or ':') */
	MR_INI_INDENT_OK = 1 << 2        /**< leading blanks are ignored (else an indented line is an error) */
};

/** One section start or key line, delivered in file order. */
typedef struct mr_ini_item {
	const char *section; /**< name of the current section, trimmed, whole */
	const char *key;     /**< the key as written, or NULL when this item starts the section */
	const char *value;   /**< the value, trimmed ("" when empty), or NULL when this item starts the section */
	unsigned line;       /**< 1-based line of the key line or of the section header */
	int comment;         /**< 1 if an inline comment was cut off this line (MR_INI_INLINE_COMMENTS) */
} mr_ini_item;

/** Where the messages of one parse go; only the first message is kept. */
typedef struct mr_ini_msg {
	const char *origin; /**< names the text in messages (a file name), or NULL */
	mr_buf *err;        /**< destination, may be NULL */
	int failed;         /**< set once a message has been recorded */
} mr_ini_msg;

/**
 * Called for each section start (key and value NULL) and each key line, in file order.
 * Return 0 to go on; -1 to stop the parse, after recording the reason with mr_ini_fail.
 */
typedef int (*mr_ini_fn)(void *user, const mr_ini_item *item, mr_ini_msg *msg);

/**
 * Record "ORIGIN line N: reason" (line 0: "ORIGIN: reason"; without an origin: "line N: reason"
 * or "reason") in msg->err and set msg->failed, unless a message was recorded before.
 */
void mr_ini_fail(mr_ini_msg *msg, unsigned line, const char *fmt, ...) MR_PRINTF(3, 4);

/**
 * One pass over the whole text (NUL-terminated) under the rules above: every section start and key
 * line goes to fn with its line number, in file order. A section may come more than once (each
 * header is a section start) and keys may repeat: fn decides. The first broken rule stops the pass
 * (fn may have seen the lines before it); these messages never quote keys or values (they may be
 * secrets). 0 when the whole text was delivered, -1 with the first message in msg (which may be
 * NULL) on a broken rule or when fn stopped the parse.
 */
int mr_ini_parse(const char *text, unsigned flags, mr_ini_fn fn, void *user, mr_ini_msg *msg);

/**
 * As mr_ini_parse for len bytes at text (no NUL needed; a NUL byte in a judged line is an error),
 * for files and fuzzing. With section NULL every line is judged. With a section name, only that
 * section's lines are judged and delivered (every time it starts); the lines of other sections
 * and before the first header are skipped unread, whatever they hold, but for a header.
 */
int mr_ini_parse_buf(const char *text, size_t len, const char *section, unsigned flags, mr_ini_fn fn, void *user,
                     mr_ini_msg *msg);

/**
 * The index of key in the n names, ignoring case (keys are matched so in the suite's formats),
 * or -1 when it is none of them.
 */
int mr_ini_key_index(const char *key, const char *const *names, int n);

/**
 * Copy the free-text value of key into field (size bytes, NUL-terminated): 0, or -1 with
 * "KEY is longer than N characters" or "KEY holds control characters" at line in msg.
 */
int mr_ini_copy_text(mr_ini_msg *msg, unsigned line, const char *key, const char *value, char *field,
                     size_t size);

/**
 * Read the whole file path (opened read-only, following links, waiting for FIFOs) into a new
 * NUL-terminated buffer. The buffer, or NULL with "PATH: reason" in err (missing file, read
 * error, more than max bytes) or "PATH line N: NUL byte" (not a text file, so the text never
 * holds a NUL). Free it with mr_ini_text_free.
 */
char *mr_ini_read_file(const char *path, size_t max, mr_buf *err);

/** As mr_ini_read_file for an open descriptor (not closed) called name in messages, e.g. "stdin". */
char *mr_ini_read_fd(int fd, const char *name, size_t max, mr_buf *err);

/** Wipe (the text may hold secrets) and free a buffer from mr_ini_read_file / mr_ini_read_fd; NULL is fine. */
void mr_ini_text_free(char *text);

#endif
