/* host_bench_xml.h - is a text well-formed XML? For the tests of the chart
 * of `vmm bench` (no XML library is installed here). See host_bench_xml.c.
 */
#ifndef HOST_BENCH_XML_H
#define HOST_BENCH_XML_H

#include <stdbool.h>
#include <stddef.h>

/* True if TEXT is one well-formed XML document: an optional <?xml ...?>
 * declaration, then a single root element whose tags nest and match, with
 * quoted attributes, and only &amp; &lt; &gt; &quot; &apos; or numeric
 * character references. The root element's name goes to ROOT (LEN bytes);
 * *ELEMENTS counts the elements. On failure WHY says what is wrong. */
bool xml_well_formed(const char *text, char *root, size_t len,
                     unsigned *elements, char *why, size_t whylen);

#endif
