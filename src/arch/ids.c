/* Identifier formatting and parsing (Linux bus IDs, s390-tools libccw rules),
 * and the GR1 subchannel-ID word check of zarch-css-formats.md §7.0. */
#include "arch/ids.h"

#include <ctype.h>
#include <stdio.h>

char *ccw_id_fmt(const struct ccw_id *id, char buf[16])
{
	snprintf(buf, 16, "%x.%x.%04x", id->cssid, id->ssid, id->no);
	return buf;
}

char *chpid_fmt(const struct chpid *c, char buf[8])
{
	snprintf(buf, 8, "%x.%02x", c->cssid, c->id);
	return buf;
}

/* Read 1..max hex digits from *sp into *val; advance *sp.  -1 on none or
 * too many. */
static int hex_field(const char **sp, int max, unsigned *val)
{
	const char *s = *sp;
	unsigned v = 0;
	int n = 0;

	while (isxdigit((unsigned char)*s)) {
		if (++n > max)
			return -1;
		v = v << 4 | (unsigned)(isdigit((unsigned char)*s)
						? *s - '0'
						: (tolower((unsigned char)*s) - 'a' + 10));
		s++;
	}
	if (!n)
		return -1;
	*sp = s;
	*val = v;
	return 0;
}

static int has_0x_prefix(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

int ccw_id_parse(const char *s, struct ccw_id *id)
{
	unsigned cssid, ssid, no;
	const char *p = s;

	if (!s || has_0x_prefix(s))
		return -1;
	if (hex_field(&p, 4, &no))
		return -1;
	if (!*p) {
		id->cssid = 0;
		id->ssid = 0;
		id->no = (uint16_t)no;
		return 0;
	}
	/* Long form: the first field was the cssid (1-2 digits). */
	p = s;
	if (hex_field(&p, 2, &cssid) || *p++ != '.')
		return -1;
	if (hex_field(&p, 1, &ssid) || *p++ != '.')
		return -1;
	if (hex_field(&p, 4, &no) || *p)
		return -1;
	id->cssid = (uint8_t)cssid;
	id->ssid = (uint8_t)ssid;
	id->no = (uint16_t)no;
	return 0;
}

int chpid_parse(const char *s, struct chpid *c)
{
	unsigned cssid = 0, id;
	const char *p = s;

	if (!s || has_0x_prefix(s))
		return -1;
	if (hex_field(&p, 2, &id))
		return -1;
	if (*p == '.') {
		p++;
		cssid = id;
		if (has_0x_prefix(p) || hex_field(&p, 2, &id))
			return -1;
	}
	if (*p)
		return -1;
	c->cssid = (uint8_t)cssid;
	c->id = (uint8_t)id;
	return 0;
}
