# Gunicorn's settings. scripts-to-configmap puts this file into a ConfigMap and mounts it
# alone at /etc/gunicorn/gunicorn.conf.py, where the app container's command reads it.
# Edit it and the ConfigMap's name changes, so the pods roll out with it.
bind = "0.0.0.0:8300"
# The Flask app of the cloned repository (python/flask/index.py), under the app mount.
chdir = "/app/python/flask"
wsgi_app = "index:application"
workers = 2
# The postStart hook waits for this file: Gunicorn writes it as it starts.
pidfile = "/tmp/gunicorn.pid"
accesslog = "-"
