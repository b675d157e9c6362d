# CI only: stands in for the redis image (no registry on CI): Debian's Redis 7 on the local base.
ARG BASE=local/bookworm:ci
FROM ${BASE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server redis-tools \
    && rm -rf /var/lib/apt/lists/*
# The compose file runs it as `user: redis` (created by the package), with its appendonly files in /data (a
# volume, which takes this folder's owner when created).
RUN mkdir -p /data && chown redis:redis /data
WORKDIR /tmp
CMD ["redis-server"]
