# gifsvc's aiohttp service. docker-compose.yml runs this one image three ways: the service, the
# one-shot that renders nginx's site from nginx/, and the cleanup loop.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GIFSVC_HOST=0.0.0.0 \
    GIFSVC_DATA_DIR=/data \
    GIFSVC_BEHIND_NGINX=1

# gifsicle: the compose core's last pass (lossless re-pack, lossy LZW for photos), as measured.
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gifsicle \
    && rm -rf /var/lib/apt/lists/*

# A fixed uid: every container of this image owns the shared volumes alike.
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin gifsvc

WORKDIR /app
COPY pyproject.toml README.md ./
COPY service/ service/
COPY nginx/ nginx/
# Editable (-e), so the code stays in /app: service/nginx_conf.py reads its templates from
# /app/nginx, next to the package, which a plain install into site-packages would leave behind.
# Installed as root, so the running user cannot change the code.
RUN pip install --no-cache-dir -e .

# A new named volume takes the owner and mode of the directory it is mounted on: these make the
# data and nginx-conf volumes writable by gifsvc and readable by nginx's workers (uid 101).
RUN mkdir /data /nginx-conf \
    && chown gifsvc:gifsvc /data /nginx-conf \
    && chmod 755 /data /nginx-conf

USER gifsvc
EXPOSE 8080
CMD ["python", "-m", "service"]
