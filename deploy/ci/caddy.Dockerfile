# CI only: stands in for the caddy image (no registry on CI): the current Caddy (2.11+, the line
# docker-compose.yml pins) from Debian's archive via deploy/scripts/current-caddy.sh, on the local base.
# Debian 12's own caddy package is 2.6.2, which cannot hold a POST through an agent restart (docs/deployment.md).
# Build context: deploy/ (for scripts/current-caddy.sh).
ARG BASE=local/bookworm:ci
FROM ${BASE}
COPY scripts/current-caddy.sh /tmp/current-caddy.sh
RUN apt-get update \
    && apt-get install -y --no-install-recommends wget ca-certificates \
    && bash /tmp/current-caddy.sh /usr/local/bin \
    && rm -rf /var/lib/apt/lists/* /tmp/current-caddy.sh \
    && mkdir -p /data /config /etc/caddy \
    && caddy version
# As in the official image: Caddy's data (certificates, local CA) in /data, its autosave in /config.
ENV XDG_DATA_HOME=/data XDG_CONFIG_HOME=/config
EXPOSE 80 443
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
