# smtpscope — see README.md.  `make`, `make demo`, `make test`, `make check`.
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc

# Debian packages the build and the tests need (installed by `make deps`).
BUILD_PKGS = gcc make pkg-config libpcap-dev libnet1-dev libc-ares-dev libjansson-dev libcmocka-dev \
             libseccomp-dev libmicrohttpd-dev
TEST_PKGS  = iproute2 iptables nftables tcpdump socat jq mandoc valgrind dnsmasq-base ethtool traceroute tzdata \
             clang libclang-rt-14-dev chromium tshark postfix prometheus systemd strace curl python3 logrotate
PKGS       = $(BUILD_PKGS) $(TEST_PKGS)

ifeq ($(SANITIZE),1)
BUILD   := build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     ?= -O1 -g
else
BUILD   := build
SANFLAGS =
# -flto: the per-packet path crosses decode, pipeline, tracker and the
# sinks, each its own file; whole-program inlining executes 9-11% fewer
# instructions and is 5% faster on the bench's heavy and flood mixes.
OPT     ?= -O2 -g -flto=auto
endif

PKG_CFLAGS := $(shell pkg-config --cflags libpcap libcares jansson libseccomp libmicrohttpd 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs libpcap libcares jansson libseccomp libmicrohttpd 2>/dev/null)
# libnet ships no .pc in bookworm: libnet-config, defines for inject.c only.
LIBNET_DEFINES := $(shell libnet-config --defines 2>/dev/null)
LIBNET_LIBS    := $(shell libnet-config --libs 2>/dev/null)
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS  ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude $(PKG_CFLAGS) -MMD -MP
LDLIBS   = $(PKG_LIBS) $(LIBNET_LIBS)

SRCS := $(wildcard src/*.c src/*/*.c)
OBJS := $(SRCS:src/%.c=$(BUILD)/%.o) $(BUILD)/bpf_smtp.o
LIB_OBJS := $(filter-out $(BUILD)/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/%)

ifeq ($(SANITIZE),1)
PROG = $(BUILD)/smtpscope
else
PROG = smtpscope
endif

.PHONY: all deps demo test check unit golden lint install uninstall clean fuzz fuzz-build fuzz-smoke sweep bench bench-scope bench-live soak test-hooks
all: $(PROG)

$(PROG): $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/%.o: src/%.c | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/probe/inject.o: src/probe/inject.c | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LIBNET_DEFINES) -c -o $@ $<

# The binary of tests/sandbox.sh: the same, but for io/sandbox.c built
# with its test hook (SMTPSCOPE_TEST_HOOK), which the shipped one lacks.
$(BUILD)/smtpscope-hooks: $(filter-out $(BUILD)/io/sandbox.o,$(OBJS)) $(BUILD)/io/sandbox-hooks.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/io/sandbox-hooks.o: src/io/sandbox.c | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DSMTPSCOPE_TEST_HOOKS -c -o $@ $<

test-hooks: $(BUILD)/smtpscope-hooks

$(BUILD)/test_%: tests/unit/test_%.c $(LIB_OBJS) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

$(BUILD):
	mkdir -p $@

# bpf/*.bpf stay readable files; each becomes a C string in the binary.
$(BUILD)/bpf_smtp.c: bpf/smtp.bpf bpf/bpf2c.sh | $(BUILD)
	sh bpf/bpf2c.sh bpf_smtp_template < $< > $@

$(BUILD)/bpf_smtp.o: $(BUILD)/bpf_smtp.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Installs the Debian packages of PKGS that are missing, with apt-get, when
# run as root; otherwise says what to run.  `make deps PKGS="nmap"` for others.
# Postfix is installed with "No configuration": the maillog lab runs its own
# instances in namespaces, none on the host.
deps:
	@missing=; \
	for p in $(PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || \
			missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" -ne 0 ]; then \
		echo "missing Debian packages:$$missing" >&2; \
		echo "run as root: apt-get install -y$$missing" >&2; \
		exit 1; \
	fi; \
	echo "installing:$$missing" >&2; \
	export DEBIAN_FRONTEND=noninteractive; \
	echo 'postfix postfix/main_mailer_type select No configuration' | \
		debconf-set-selections; \
	apt-get install -y -q $$missing >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $$missing >/dev/null; } || \
		{ echo "apt-get install failed:$$missing" >&2; exit 1; }

# The records and summary, then the scope and evidence view of the same
# capture (up to its summary, shown just before), then what to try next.
demo: deps
	@$(MAKE) --no-print-directory all
	./smtpscope read pcaps/lab/demo.pcap
	@echo './smtpscope read --summary --scope --evidence pcaps/lab/demo.pcap'
	@out=$$(./smtpscope read --summary --scope --evidence pcaps/lab/demo.pcap) && \
		printf '%s\n' "$$out" | sed '/^summary: /,$$d'
	@echo 'next: sudo ./smtpscope probe --mx example.com --source ADDR --scope   # ADDR: each outgoing address of yours'
	@echo 'next: sudo ./smtpscope watch -i any --findings                        # this host, live, findings as they happen'

# The quick suites, as any user: no root, no namespaces, no apt-get.
test: all $(UNIT_BINS) $(BUILD)/smtpscope-hooks
	@SANITIZE=$(SANITIZE) bash tests/run-all.sh --quick $(BUILD) ./$(PROG)

# Every suite, as root: the quick ones, then valgrind, fuzz and the lab.
check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(BUILD)/smtpscope-hooks
	@SANITIZE=$(SANITIZE) bash tests/run-all.sh $(BUILD) ./$(PROG)

unit: $(UNIT_BINS)
	@sh tests/run-unit.sh $(UNIT_BINS)

golden: $(PROG)
	@bash tests/golden.sh ./$(PROG)

lint:
	mandoc -Tlint -W warning man/smtpscope.8

# libFuzzer harnesses (clang), with ASan and UBSan; see tests/fuzz/.
FUZZ_DIR     = build-fuzz
FUZZ_SECONDS ?= 900
FUZZ_SRCS    = $(filter-out src/main.c src/conf.c src/maillog_cmd.c src/metrics_cmd.c src/io/live.c src/io/privs.c src/probe/inject.c src/probe/prober.c,$(SRCS)) $(BUILD)/bpf_smtp.c
FUZZ_FLAGS   = -std=c11 -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
               -Iinclude -Itests/fuzz $(PKG_CFLAGS)

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(FUZZ_SRCS) | $(FUZZ_DIR)
	clang $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRCS) $(LDLIBS)

$(FUZZ_DIR)/mkseeds: tests/fuzz/mkseeds.c | $(FUZZ_DIR)
	$(CC) -O2 -o $@ $< $(LDLIBS)

$(FUZZ_DIR):
	mkdir -p $@

fuzz-build: $(FUZZ_DIR)/fuzz_packets $(FUZZ_DIR)/fuzz_capture $(FUZZ_DIR)/fuzz_pcapfile \
            $(FUZZ_DIR)/fuzz_jsonrec $(FUZZ_DIR)/fuzz_smtpreply $(FUZZ_DIR)/fuzz_maillog \
            $(FUZZ_DIR)/fuzz_expect $(FUZZ_DIR)/fuzz_ports $(FUZZ_DIR)/fuzz_timefmt \
            $(FUZZ_DIR)/fuzz_filter $(FUZZ_DIR)/mkseeds

# `make fuzz` runs each harness FUZZ_SECONDS; check runs a short smoke run.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	@bash tests/fuzz/run.sh $(FUZZ_DIR) 15

# Every capture of pcaps/ and tests/malformed/ read by the ASan+UBSan build
# with every port; see tests/sweep.sh.
sweep:
	@$(MAKE) --no-print-directory SANITIZE=1 all
	@bash tests/sweep.sh build-san/smtpscope

# The service (service/): the unit with ExecStart= at this PREFIX; the
# example environment file unless one is there (an operator's is kept);
# any other file of service/ (alert rules ...) to share/smtpscope.
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SVC_UNITS  := $(wildcard service/*.service)
SVC_ENVS   := $(wildcard service/*.env)
SVC_OTHER  := $(filter-out $(SVC_UNITS) $(SVC_ENVS),$(wildcard service/*))

install: smtpscope
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/smtpscope
	install -m 0755 smtpscope $(DESTDIR)$(PREFIX)/sbin/smtpscope
	install -m 0644 man/smtpscope.8 $(DESTDIR)$(PREFIX)/share/man/man8/smtpscope.8
	for u in $(SVC_UNITS); do \
		sed 's|/usr/local/sbin/smtpscope |$(PREFIX)/sbin/smtpscope |' $$u \
			>$(DESTDIR)$(UNITDIR)/$${u##*/} && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; \
	done
	for e in $(SVC_ENVS); do \
		[ -e $(DESTDIR)$(SYSCONFDIR)/smtpscope/$${e##*/} ] || \
			install -m 0644 $$e $(DESTDIR)$(SYSCONFDIR)/smtpscope/ || exit 1; \
	done
	$(if $(SVC_OTHER),install -d $(DESTDIR)$(PREFIX)/share/smtpscope && \
		install -m 0644 $(SVC_OTHER) $(DESTDIR)$(PREFIX)/share/smtpscope/)

# Leaves /etc/smtpscope: the operator's settings.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/smtpscope \
		$(DESTDIR)$(PREFIX)/share/man/man8/smtpscope.8 \
		$(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(SVC_UNITS))) \
		$(addprefix $(DESTDIR)$(PREFIX)/share/smtpscope/,$(notdir $(SVC_OTHER)))
	rmdir $(DESTDIR)$(PREFIX)/share/smtpscope 2>/dev/null || true

clean:
	rm -rf build build-san build-fuzz fuzz-out smtpscope

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)

# Benchmark against tcpdump and a bare libpcap loop on four synthetic
# mixes (tests/bench/; tshark and argus on one), then the findings
# engine's time and memory (bench-scope); fails only on counts that
# differ from the generator's truth, never on a time.
bench: all
	@$(MAKE) --no-print-directory deps PKGS="hyperfine time tshark jq" || true
	bash tests/bench/run.sh ./smtpscope
	bash tests/bench/scope.sh ./smtpscope

bench-scope: all
	@$(MAKE) --no-print-directory deps PKGS="jq" || true
	bash tests/bench/scope.sh ./smtpscope

# The live half: replay into a veth at top speed, compare kernel drops.
bench-live: all
	@$(MAKE) --no-print-directory deps PKGS="tcpreplay tcpdump curl jq" || true
	bash tests/bench/live.sh ./smtpscope

# The service's options for SOAK_SECONDS (1800) under a replay at
# SOAK_RATE attempts/s: RSS, fds, kernel drops, rotated files.  Root.
soak: all
	@$(MAKE) --no-print-directory deps PKGS="tcpreplay tcpdump curl jq" || true
	bash tests/bench/soak.sh ./smtpscope
