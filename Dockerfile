# The innovation-kg API (FastAPI + dashboard + `ikg` CLI). Built by docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY kg kg
COPY ingest ingest
COPY queries queries
COPY api api
RUN pip install . && useradd --create-home --uid 10001 kg && mkdir -p /app/data && chown kg /app/data

USER kg
EXPOSE 8000
CMD ["ikg", "serve", "--host", "0.0.0.0", "--port", "8000"]
