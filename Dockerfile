# syntax=docker/dockerfile:1
# Build: a release binary with the content embedded.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY content ./content
COPY benches ./benches
COPY tests ./tests
RUN cargo build --release --locked --bin backcare

# Run: a small image with only the binary, as a non-root user.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/backcare /usr/local/bin/backcare
ENV BACKCARE_BIND=0.0.0.0:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/backcare"]
CMD ["serve"]
