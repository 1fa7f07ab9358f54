"""gx-pipeline: 政府信息公开工作年度报告 pages as trustworthy data."""

__version__ = "0.1.0"
