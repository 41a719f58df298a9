# Gunicorn serves the cloned Flask app (python/flask/index.py) from the venv.
bind = "0.0.0.0:8300"
chdir = "/app/python/flask"
wsgi_app = "index:application"
