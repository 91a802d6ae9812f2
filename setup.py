"""Packaging for equinox. Metadata lives in settings.ini, which nbdev also reads."""

from configparser import ConfigParser

import setuptools

config = ConfigParser(delimiters=["="])
config.read("settings.ini", encoding="utf-8")
cfg = config["DEFAULT"]

licenses = {"apache2": "Apache-2.0"}  # SPDX expressions
statuses = [
    "1 - Planning",
    "2 - Pre-Alpha",
    "3 - Alpha",
    "4 - Beta",
    "5 - Production/Stable",
    "6 - Mature",
    "7 - Inactive",
]
py_versions = ["3.10", "3.11", "3.12", "3.13"]

license_name = licenses[cfg["license"]]
min_python = cfg["min_python"]
requirements = cfg.get("requirements", "").split()
examples_requirements = cfg.get("examples_requirements", "").split()
dev_requirements = examples_requirements + cfg.get("dev_requirements", "").split()
# multi-host checkpoints (the Scaling out chapter); kept out of `dev` so that the oldest-JAX run stays unconstrained
orbax_requirements = cfg.get("orbax_requirements", "").split()
# the docs' check in headless Chromium (make docs-browser): Playwright is large, and only that check needs it
browser_requirements = cfg.get("browser_requirements", "").split()

setuptools.setup(
    name=cfg["lib_name"],
    version=cfg["version"],
    description=cfg["description"],
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    author=cfg["author"],
    author_email=cfg["author_email"],
    license=license_name,
    url=cfg["git_url"],
    keywords=cfg["keywords"].split(),
    classifiers=[
        "Development Status :: " + statuses[int(cfg["status"]) - 1],
        "Intended Audience :: " + cfg["audience"].title(),
        "Natural Language :: " + cfg["language"].title(),
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ]
    + ["Programming Language :: Python :: " + v for v in py_versions[py_versions.index(min_python) :]],
    packages=setuptools.find_packages(include=[cfg["lib_name"], cfg["lib_name"] + ".*"]),
    include_package_data=True,
    package_data={cfg["lib_name"]: ["py.typed"]},  # PEP 561: the package's own annotations are for type checkers
    python_requires=">=" + min_python,
    install_requires=requirements,
    extras_require={
        "examples": examples_requirements,
        "dev": dev_requirements,
        "orbax": orbax_requirements,
        "browser": browser_requirements,
    },
    zip_safe=False,
)
