# syntax=docker/dockerfile:1
# Build: a release binary with the content embedded at build time.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY content ./content
COPY benches ./benches
COPY tests ./tests
RUN cargo build --release --locked --bin backcare

# Run: distroless (no shell, no package manager), non-root, and nothing
# written at run time, so the root filesystem can be mounted read-only.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/backcare /usr/local/bin/backcare
ENV BACKCARE_BIND=0.0.0.0:8080 \
    BACKCARE_ADMIN_BIND=0.0.0.0:9090 \
    BACKCARE_LOG_FORMAT=json
EXPOSE 8080 9090
# 65532 is distroless's `nonroot` user, numeric so Kubernetes can verify runAsNonRoot.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/backcare"]
CMD ["serve"]
