"""Kiểm soát thủ tục hành chính và một cửa điện tử."""
