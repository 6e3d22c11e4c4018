/*
 * format.c - snprintf and vsnprintf: printf-style formatting into a buffer.
 *
 * The problem: the monitor reports what it does as text, and capstone builds
 * every disassembled operand with snprintf ("0x%x", "%s", "-0x%" PRIx64 ...),
 * but there is no C library underneath.
 *
 * The approach: one pass over the format.  Ordinary characters are copied;
 * each conversion is first parsed into a `struct conversion` (flags, field
 * width, precision, length modifier, conversion letter), then its argument
 * is fetched at the size the length modifier names, and finally it is laid
 * out.  Every number, whatever its letter, is laid out the same way:
 *
 *     [spaces][sign or 0x prefix][zeros][digits][spaces]
 *      width    + - ' ' 0x 0X    prec.   |       width, for '-'
 *                               or '0'
 *
 * All output goes through put_char, which counts every character but
 * stores only those that fit, so the C99 contract comes for free: the
 * return value is the length the whole text would have, the text is cut
 * short to size-1 characters and always NUL-terminated when size > 0, and
 * size 0 writes nothing.  The conversions are d i u o x X c s p and %%, with
 * the flags - + space # 0, widths and precisions (also as *), and the length
 * modifiers hh h l ll z t j.  No floating point: the monitor has no FPU.
 * Where C leaves a detail to the implementation (%p, a NULL %s) we print
 * what glibc prints, so that the host tests can compare the two directly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The destination: a buffer of `size` bytes and the count so far. */
struct output {
	char *buf;
	size_t size;
	size_t len; /* characters produced, stored or not */
};

/* The flag characters, as bits. */
enum {
	FLAG_LEFT = 1 << 0,  /* '-': pad on the right */
	FLAG_PLUS = 1 << 1,  /* '+': always show a sign */
	FLAG_SPACE = 1 << 2, /* ' ': a space where a '+' would go */
	FLAG_ALT = 1 << 3,   /* '#': 0x before hex, a leading 0 for octal */
	FLAG_ZERO = 1 << 4,  /* '0': pad numbers with zeros, not spaces */
};

/* The length modifiers: which type the argument really has. */
enum length {
	LEN_HH,	  /* char */
	LEN_H,	  /* short */
	LEN_NONE, /* int */
	LEN_L,	  /* long */
	LEN_LL,	  /* long long */
	LEN_Z,	  /* size_t */
	LEN_T,	  /* ptrdiff_t */
	LEN_J,	  /* intmax_t */
};

#define NO_PRECISION (-1)

/* gcc's <limits.h> wants a C library's limits.h behind it; its predefined
 * macros say the same without one. */
#define INT_MAX __INT_MAX__
#define CHAR_BIT __CHAR_BIT__

/* One parsed conversion specification, e.g. "%-#08.3lx". */
struct conversion {
	unsigned flags;
	int width;     /* minimum field width, 0 if none */
	int precision; /* NO_PRECISION if none */
	enum length length;
	char letter; /* d i u o x X c s p % */
};

/* The most digits a uintmax_t can need: one per 3 bits, in octal. */
#define MAX_DIGITS ((sizeof(uintmax_t) * CHAR_BIT + 2) / 3)

/* Emit one character: stored if it fits with room left for the NUL. */
static void put_char(struct output *out, char c)
{
	if (out->len + 1 < out->size)
		out->buf[out->len] = c;
	out->len++;
}

/* Emit the first n characters of s. */
static void put_chars(struct output *out, const char *s, size_t n)
{
	while (n-- > 0)
		put_char(out, *s++);
}

/* Emit n copies of c (nothing when n <= 0). */
static void put_repeated(struct output *out, char c, long n)
{
	for (; n > 0; n--)
		put_char(out, c);
}

/* Parse a run of decimal digits at *p, advancing *p past them; the value
 * saturates at INT_MAX. */
static int parse_decimal(const char **p)
{
	int value = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++) {
		int digit = **p - '0';

		value = value > (INT_MAX - digit) / 10 ? INT_MAX
						       : value * 10 + digit;
	}
	return value;
}

/* Parse the flag characters at *p into FLAG_ bits. */
static unsigned parse_flags(const char **p)
{
	for (unsigned flags = 0;; (*p)++) {
		switch (**p) {
		case '-': flags |= FLAG_LEFT; break;
		case '+': flags |= FLAG_PLUS; break;
		case ' ': flags |= FLAG_SPACE; break;
		case '#': flags |= FLAG_ALT; break;
		case '0': flags |= FLAG_ZERO; break;
		default: return flags;
		}
	}
}

/* Parse the length modifier at *p (possibly none), advancing past it. */
static enum length parse_length(const char **p)
{
	const char *s = *p;
	enum length length;

	if (s[0] == 'h')
		length = s[1] == 'h' ? LEN_HH : LEN_H;
	else if (s[0] == 'l')
		length = s[1] == 'l' ? LEN_LL : LEN_L;
	else if (s[0] == 'z')
		length = LEN_Z;
	else if (s[0] == 't')
		length = LEN_T;
	else if (s[0] == 'j')
		length = LEN_J;
	else
		return LEN_NONE;
	*p += (length == LEN_HH || length == LEN_LL) ? 2 : 1;
	return length;
}

/* Parse the specification after a '%' at *p, taking any '*' width and
 * precision from args.  A negative '*' width means '-' and its magnitude;
 * a negative '*' precision means none. */
static struct conversion parse_conversion(const char **p, va_list *args)
{
	struct conversion conv = { .precision = NO_PRECISION };

	conv.flags = parse_flags(p);
	if (**p == '*') {
		int width = va_arg(*args, int);

		(*p)++;
		if (width < 0) {
			conv.flags |= FLAG_LEFT;
			width = width < -INT_MAX ? INT_MAX : -width;
		}
		conv.width = width;
	} else {
		conv.width = parse_decimal(p);
	}
	if (**p == '.') {
		(*p)++;
		if (**p == '*') {
			int precision = va_arg(*args, int);

			(*p)++;
			conv.precision = precision < 0 ? NO_PRECISION : precision;
		} else {
			conv.precision = parse_decimal(p);
		}
	}
	conv.length = parse_length(p);
	conv.letter = **p;
	return conv;
}

/* Fetch a signed integer argument of the type the length modifier names. */
static intmax_t fetch_signed(va_list *args, enum length length)
{
	switch (length) {
	case LEN_HH: return (signed char)va_arg(*args, int);
	case LEN_H: return (short)va_arg(*args, int);
	case LEN_L: return va_arg(*args, long);
	case LEN_LL: return va_arg(*args, long long);
	case LEN_Z: return (ptrdiff_t)va_arg(*args, size_t); /* signed size_t */
	case LEN_T: return va_arg(*args, ptrdiff_t);
	case LEN_J: return va_arg(*args, intmax_t);
	default: return va_arg(*args, int);
	}
}

/* Fetch an unsigned integer argument of the type the length modifier names. */
static uintmax_t fetch_unsigned(va_list *args, enum length length)
{
	switch (length) {
	case LEN_HH: return (unsigned char)va_arg(*args, unsigned);
	case LEN_H: return (unsigned short)va_arg(*args, unsigned);
	case LEN_L: return va_arg(*args, unsigned long);
	case LEN_LL: return va_arg(*args, unsigned long long);
	case LEN_Z: return va_arg(*args, size_t);
	case LEN_T: return (size_t)va_arg(*args, ptrdiff_t); /* unsigned ptrdiff_t */
	case LEN_J: return va_arg(*args, uintmax_t);
	default: return va_arg(*args, unsigned);
	}
}

/* Write value in `base` into digits[] most significant first, using the
 * given digit alphabet; returns the count (at least 1: zero is "0"). */
static int to_digits(uintmax_t value, unsigned base, const char *alphabet,
		     char digits[MAX_DIGITS])
{
	char reversed[MAX_DIGITS];
	int n = 0;

	do {
		reversed[n++] = alphabet[value % base];
		value /= base;
	} while (value != 0);
	for (int i = 0; i < n; i++)
		digits[i] = reversed[n - 1 - i];
	return n;
}

/* Lay out a number: magnitude in `base`, preceded by `sign` (a character,
 * or 0 for none), following the flags, width and precision of conv. */
static void put_number(struct output *out, const struct conversion *conv,
		       uintmax_t magnitude, unsigned base, char sign)
{
	int upper = conv->letter == 'X';
	char digits[MAX_DIGITS];
	int ndigits = to_digits(magnitude, base,
				upper ? "0123456789ABCDEF" : "0123456789abcdef",
				digits);
	const char *prefix = "";
	long zeros, spaces;

	/* C99: precision 0 prints no digits at all for the value 0. */
	if (conv->precision == 0 && magnitude == 0)
		ndigits = 0;
	zeros = conv->precision > ndigits ? conv->precision - ndigits : 0;
	if ((conv->flags & FLAG_ALT) && base == 16 && magnitude != 0)
		prefix = upper ? "0X" : "0x";
	/* '#' with octal: raise the precision just enough to start with 0. */
	if ((conv->flags & FLAG_ALT) && base == 8 && zeros == 0 &&
	    (ndigits == 0 || digits[0] != '0'))
		zeros = 1;
	spaces = (long)conv->width - (sign != 0) - (long)strlen(prefix) -
		 zeros - ndigits;
	/* '0' pads with zeros, unless '-' or a precision says otherwise. */
	if ((conv->flags & (FLAG_ZERO | FLAG_LEFT)) == FLAG_ZERO &&
	    conv->precision == NO_PRECISION && spaces > 0) {
		zeros += spaces;
		spaces = 0;
	}
	if (!(conv->flags & FLAG_LEFT))
		put_repeated(out, ' ', spaces);
	if (sign != 0)
		put_char(out, sign);
	put_chars(out, prefix, strlen(prefix));
	put_repeated(out, '0', zeros);
	put_chars(out, digits, ndigits);
	if (conv->flags & FLAG_LEFT)
		put_repeated(out, ' ', spaces);
}

/* Lay out the first n characters of s in a field of conv->width, on the
 * right unless '-' (the '0' flag does not apply to text). */
static void put_text(struct output *out, const struct conversion *conv,
		     const char *s, size_t n)
{
	long spaces = (long)conv->width - (long)n;

	if (!(conv->flags & FLAG_LEFT))
		put_repeated(out, ' ', spaces);
	put_chars(out, s, n);
	if (conv->flags & FLAG_LEFT)
		put_repeated(out, ' ', spaces);
}

/* The sign a non-negative signed number shows: '+', ' ' or none. */
static char positive_sign(unsigned flags)
{
	if (flags & FLAG_PLUS)
		return '+';
	return (flags & FLAG_SPACE) ? ' ' : 0;
}

/* %d and %i: a signed decimal. */
static void convert_signed(struct output *out, const struct conversion *conv,
			   va_list *args)
{
	intmax_t value = fetch_signed(args, conv->length);

	if (value < 0) /* negate in unsigned arithmetic: INTMAX_MIN is fine */
		put_number(out, conv, -(uintmax_t)value, 10, '-');
	else
		put_number(out, conv, value, 10, positive_sign(conv->flags));
}

/* %s: a string, at most `precision` bytes of it.  NULL prints as
 * "(null)", or as nothing if the precision is too short for that. */
static void convert_string(struct output *out, const struct conversion *conv,
			   va_list *args)
{
	static const char null_text[] = "(null)";
	const char *s = va_arg(*args, const char *);
	size_t limit = conv->precision == NO_PRECISION ? SIZE_MAX
						       : (size_t)conv->precision;

	if (s == NULL)
		s = limit >= sizeof(null_text) - 1 ? null_text : "";
	put_text(out, conv, s, strnlen(s, limit));
}

/* %p: a non-NULL pointer as "%#lx" would print it (a sign if '+' or ' ' is
 * given); NULL as "(nil)". */
static void convert_pointer(struct output *out, const struct conversion *conv,
			    va_list *args)
{
	static const char nil_text[] = "(nil)";
	void *p = va_arg(*args, void *);
	struct conversion as_hex = *conv;

	if (p == NULL) {
		put_text(out, conv, nil_text, sizeof(nil_text) - 1);
		return;
	}
	as_hex.flags |= FLAG_ALT;
	as_hex.letter = 'x';
	put_number(out, &as_hex, (uintptr_t)p, 16, positive_sign(conv->flags));
}

/* Carry out one parsed conversion, fetching its argument from args.  An
 * unknown conversion letter is printed back as the text of the whole
 * specification, from spec_start (the '%') to spec_end. */
static void convert(struct output *out, const struct conversion *conv,
		    va_list *args, const char *spec_start, const char *spec_end)
{
	char c;

	switch (conv->letter) {
	case 'd':
	case 'i':
		convert_signed(out, conv, args);
		break;
	case 'u':
		put_number(out, conv, fetch_unsigned(args, conv->length), 10, 0);
		break;
	case 'o':
		put_number(out, conv, fetch_unsigned(args, conv->length), 8, 0);
		break;
	case 'x':
	case 'X':
		put_number(out, conv, fetch_unsigned(args, conv->length), 16, 0);
		break;
	case 'c':
		c = (char)(unsigned char)va_arg(*args, int);
		put_text(out, conv, &c, 1);
		break;
	case 's':
		convert_string(out, conv, args);
		break;
	case 'p':
		convert_pointer(out, conv, args);
		break;
	case '%':
		put_char(out, '%');
		break;
	default:
		put_chars(out, spec_start, spec_end - spec_start);
		break;
	}
}

/* Format into buf (at most size bytes, NUL included) and return the length
 * the complete text has, or -1 if that exceeds INT_MAX. */
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list args)
{
	struct output out = { buf, size, 0 };
	const char *p = fmt;
	va_list ap;

	va_copy(ap, args); /* so it can be passed on by address */
	while (*p != '\0') {
		const char *spec_start = p;
		struct conversion conv;

		if (*p != '%') {
			put_char(&out, *p++);
			continue;
		}
		p++;
		conv = parse_conversion(&p, &ap);
		if (*p != '\0')
			p++; /* past the conversion letter */
		convert(&out, &conv, &ap, spec_start, p);
	}
	va_end(ap);
	if (size > 0)
		buf[out.len < size ? out.len : size - 1] = '\0';
	return out.len > INT_MAX ? -1 : (int)out.len;
}

/* vsnprintf with the arguments given directly. */
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return len;
}
