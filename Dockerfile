# One image for web, worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY scripts/vendor-assets.sh scripts/
RUN sh scripts/vendor-assets.sh

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Board reports: WeasyPrint (Pango) and chart PNGs (Cairo), with Debian's fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=assets /app/static/vendor static/vendor
COPY --from=assets /app/public public
# The node stage has no Python: the Frutiger @font-face is stripped here (see vendor-assets.sh).
RUN python culture_of_care/assets.py static/vendor/nhsuk/nhsuk-frontend.min.css
RUN python manage.py collectstatic --noinput
RUN useradd --create-home app
USER app
EXPOSE 8000
CMD ["gunicorn", "culture_of_care.wsgi", "--bind", "0.0.0.0:8000"]
