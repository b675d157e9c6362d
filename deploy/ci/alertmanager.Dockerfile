# CI only: stands in for prom/alertmanager (no registry on CI): Debian's Alertmanager on the local base.
ARG BASE=local/bookworm:ci
FROM ${BASE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends prometheus-alertmanager wget \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /alertmanager && chown 65534:65534 /alertmanager
# deploy/alertmanager/entrypoint.sh execs $ALERTMANAGER_BIN; Debian names the binary differently.
ENV ALERTMANAGER_BIN=prometheus-alertmanager
USER 65534:65534
WORKDIR /alertmanager
ENTRYPOINT ["/usr/bin/prometheus-alertmanager"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
