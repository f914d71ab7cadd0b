# syntax=docker/dockerfile:1
# Build: a release binary with the content embedded at build time.
# Base images are pinned by digest, so a rebuild gets the same bytes; bump
# them with `docker buildx imagetools inspect <image:tag>`.
FROM rust:1.95-slim-bookworm@sha256:d7482085ff5b415f84dba5647ae71606650bdef00db7aeb69f4b3d170c3e4082 AS build
WORKDIR /src

# Dependencies first, in a layer of their own: a stub crate with the real
# manifest and lock file builds every dependency, so a change to the
# sources or the content rebuilds only backcare itself.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src benches tests/api \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs tests/api/main.rs \
    && echo 'fn main() {}' > benches/engine.rs \
    && cargo build --release --locked --bin backcare \
    && rm -rf src benches tests

COPY build.rs ./
COPY src ./src
COPY content ./content
COPY benches ./benches
COPY tests ./tests
# The stub's outputs are older than the sources just copied, but touch them
# anyway: cargo compares modification times.
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin backcare

# Run: distroless (no shell, no package manager), non-root, and nothing
# written at run time, so the root filesystem can be mounted read-only.
FROM gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f
COPY --from=build /src/target/release/backcare /usr/local/bin/backcare
ENV BACKCARE_BIND=0.0.0.0:8080 \
    BACKCARE_ADMIN_BIND=0.0.0.0:9090 \
    BACKCARE_LOG_FORMAT=json
EXPOSE 8080 9090
# 65532 is distroless's `nonroot` user, numeric so Kubernetes can verify runAsNonRoot.
USER 65532:65532
# No shell or curl in the image: the binary asks its own /readyz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/backcare", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/backcare"]
CMD ["serve"]
