/* SCCB header codec (Linux drivers/s390/char/sclp.h layout). */
#include "arch/sclp.h"

#include "arch/bytes.h"

void sccb_header_encode(const struct sccb_header *h, uint8_t out[SCCB_HEADER_SIZE])
{
	put_be16(out, h->length);
	out[2] = h->function_code;
	out[3] = h->control_mask[0];
	out[4] = h->control_mask[1];
	out[5] = h->control_mask[2];
	put_be16(out + 6, h->response_code);
}

void sccb_header_decode(const uint8_t in[SCCB_HEADER_SIZE], struct sccb_header *h)
{
	h->length = get_be16(in);
	h->function_code = in[2];
	h->control_mask[0] = in[3];
	h->control_mask[1] = in[4];
	h->control_mask[2] = in[5];
	h->response_code = get_be16(in + 6);
}
