/* The test device (testdev.h). */
#include "dev/testdev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/ccw.h"
#include "arch/scsw.h"
#include "arch/senseid.h"

#define SENSE_LEN 32

struct testdev {
	struct ccwdev dev;
	struct testdev_config cfg;
	uint8_t *buf;
	uint8_t notoper[256 / 8];
	bool fail_next;
	uint8_t fail_sense0;
	uint8_t sense[SENSE_LEN];
	bool sense_pending;
	struct testdev_stats st;
};

static struct testdev *td(struct ccwdev *dev)
{
	return (struct testdev *)dev;
}

static int td_select(struct ccwdev *dev, uint8_t path)
{
	struct testdev *t = td(dev);

	if (t->notoper[path / 8] & (1u << (path % 8)))
		return -ENODEV;
	t->st.selects++;
	t->st.last_path = path;
	return 0;
}

static uint32_t put_data(struct ccwdev_cmd *cmd, const uint8_t *src, uint32_t n)
{
	uint32_t len = n < cmd->count ? n : cmd->count;

	memcpy(cmd->data, src, len);
	return len;
}

static void td_sense_id(struct testdev *t, struct ccwdev_cmd *cmd)
{
	struct senseid id = {
		.cu_type = t->cfg.cu_type,
		.cu_model = t->cfg.cu_model,
		.dev_type = t->cfg.dev_type,
		.dev_model = t->cfg.dev_model,
	};
	uint8_t out[SENSEID_MAX];
	int n = senseid_encode(&id, out);

	cmd->len = put_data(cmd, out, (uint32_t)n);
}

static void td_cmd(struct testdev *t, struct ccwdev_cmd *cmd)
{
	uint32_t size = (uint32_t)t->cfg.bufsize;

	switch (cmd->code) {
	case CCW_CMD_NOOP:
		return;
	case CCW_CMD_SENSE_ID:
		td_sense_id(t, cmd);
		return;
	case CCW_CMD_BASIC_SENSE:
		cmd->len = put_data(cmd, t->sense, SENSE_LEN);
		memset(t->sense, 0, SENSE_LEN);
		t->sense_pending = false;
		return;
	case CCW_CMD_WRITE:
		cmd->len = cmd->count < size ? cmd->count : size;
		memcpy(t->buf, cmd->data, cmd->len);
		return;
	case CCW_CMD_READ:
		cmd->len = put_data(cmd, t->buf, size);
		cmd->wanted_more = size > cmd->count;
		return;
	}
	memset(t->sense, 0, SENSE_LEN);
	t->sense[0] = TESTDEV_SENSE_CMD_REJECT;
	t->sense_pending = true;
	cmd->dstat |= DEV_STAT_UNIT_CHECK;
}

static void td_exec(struct ccwdev *dev, uint8_t path, struct ccwdev_cmd *cmd)
{
	struct testdev *t = td(dev);

	t->st.cmds++;
	t->st.last_cmd = cmd->code;
	t->st.last_chained = cmd->chained;
	t->st.last_count = cmd->count;
	cmd->len = 0;
	cmd->wanted_more = false;
	cmd->dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	cmd->latency = t->cfg.latency;
	if (t->fail_next && cmd->code != CCW_CMD_BASIC_SENSE) {
		t->fail_next = false;
		memset(t->sense, 0, SENSE_LEN);
		t->sense[0] = t->fail_sense0;
		t->sense_pending = true;
		cmd->dstat |= DEV_STAT_UNIT_CHECK;
		return;
	}
	td_cmd(t, cmd);
}

static void td_end(struct ccwdev *dev, uint8_t path)
{
	td(dev)->st.ends++;
}

static int td_sense(struct ccwdev *dev, uint8_t path, uint8_t buf[32])
{
	struct testdev *t = td(dev);

	if (!t->sense_pending)
		return 0;
	memcpy(buf, t->sense, SENSE_LEN);
	memset(t->sense, 0, SENSE_LEN);
	t->sense_pending = false;
	return SENSE_LEN;
}

static uint16_t td_devtype(struct ccwdev *dev)
{
	return td(dev)->cfg.dev_type;
}

static void td_destroy(struct ccwdev *dev)
{
	struct testdev *t = td(dev);

	free(t->buf);
	free(t);
}

static const struct ccwdev_ops testdev_ops = {
	.select = td_select,
	.exec = td_exec,
	.end = td_end,
	.sense = td_sense,
	.devtype = td_devtype,
	.destroy = td_destroy,
};

struct ccwdev *testdev_new(const struct testdev_config *cfg)
{
	struct testdev *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (cfg)
		t->cfg = *cfg;
	if (!t->cfg.bufsize)
		t->cfg.bufsize = 4096;
	if (!t->cfg.cu_type)
		t->cfg.cu_type = TESTDEV_CU_TYPE;
	if (!t->cfg.dev_type)
		t->cfg.dev_type = TESTDEV_DEV_TYPE;
	t->buf = calloc(1, t->cfg.bufsize);
	if (!t->buf) {
		free(t);
		return NULL;
	}
	t->dev.ops = &testdev_ops;
	t->dev.priv = t;
	return &t->dev;
}

void testdev_set_latency(struct ccwdev *dev, sim_time_t ns)
{
	td(dev)->cfg.latency = ns;
}

void testdev_fail_next(struct ccwdev *dev, uint8_t sense0)
{
	td(dev)->fail_next = true;
	td(dev)->fail_sense0 = sense0;
}

void testdev_set_path_notoper(struct ccwdev *dev, uint8_t chpid, bool notoper)
{
	uint8_t bit = (uint8_t)(1u << (chpid % 8));

	if (notoper)
		td(dev)->notoper[chpid / 8] |= bit;
	else
		td(dev)->notoper[chpid / 8] &= (uint8_t)~bit;
}

uint8_t *testdev_buf(struct ccwdev *dev, size_t *len)
{
	if (len)
		*len = td(dev)->cfg.bufsize;
	return td(dev)->buf;
}

const struct testdev_stats *testdev_stats(struct ccwdev *dev)
{
	return &td(dev)->st;
}
