/* IRB codec: zarch-css-formats.md §3. */
#include "arch/irb.h"

#include <string.h>

#include "arch/bytes.h"

void irb_encode_status(const struct scsw *scsw, uint32_t esw0, uint32_t erw, const uint8_t *ecw,
		       uint8_t out[IRB_OFF_EMW])
{
	scsw_encode(scsw, out);
	put_be32(out + IRB_OFF_ESW, esw0);
	put_be32(out + IRB_OFF_ESW + 4, erw);
	memset(out + IRB_OFF_ESW + 8, 0, IRB_OFF_ECW - IRB_OFF_ESW - 8);
	if (ecw)
		memcpy(out + IRB_OFF_ECW, ecw, IRB_OFF_EMW - IRB_OFF_ECW);
	else
		memset(out + IRB_OFF_ECW, 0, IRB_OFF_EMW - IRB_OFF_ECW);
}
