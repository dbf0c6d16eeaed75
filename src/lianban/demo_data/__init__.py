"""The demo county (示范县, region 139999): its catalog as plain data (`catalog_data`) and the
county import workbook written from it (`workbook`, shipped as 示范县事项清单.xlsx)."""
