// RefName spellings enumerated by qryGetRefData.xsd (7.26). Servers accept any
// case; the schema accepts only these, so builders send this spelling.

#include "ref_names.hpp"

#include <strings.h>

namespace rk7::detail {

namespace {
const char* const schema_ref_names[] = {
    "AvailabilitySchedules", "AwardsPenaltiesGroups", "AwardsPenaltiesTypes",
    "BonusTypes", "Brigades", "Cashes", "CashGroups", "CashReportDetails",
    "CashServDataStatuses", "CategList", "ChangeableOrderTypes", "CheckTables",
    "ClassificatorGroups", "ClassInfoGroups", "ClassInfos", "ColorMappings",
    "ColorSchemes", "Consumators", "ConsumTypes", "Currencies",
    "CurrencyFaceValues", "CurrencyTypes", "DefaulterTypes",
    "DepositCollectReasons", "DeviceDataLookUpItems", "Devices",
    "DiscountCompositions", "DiscountDetails", "Discounts", "DiscountTypes",
    "DisplayResolutions", "DocumentMaketSchemeLinks", "Documents",
    "DosingDevices", "EmployeeGroupDetails", "EmployeeGroups", "Employees",
    "EntranceCardTypes", "EnumsTypesDatas", "EnumsTypesInfos", "Filters",
    "FiscDevParams", "FormDetails", "Forms", "FormSchemeChilds", "FormSchemes",
    "FunctionKeyGroups", "FunctionKeys", "FundsAccountingPlaces",
    "GeneratedPropDatas", "GeneratedPropGroups", "GeneratedPropTypes",
    "GuestTypes", "HallPlans", "ImageList", "ImageNodes", "InpDevTypes",
    "KBDLayouts", "KBDTypes", "Kurses", "LinkedSystemConfigs",
    "LinkedSystemTypes", "Makets", "MaketSchemeDetails", "MaketSchemes",
    "McrAlgorithms", "MenuItems", "Modifiers", "ModiGroups",
    "ModiSchemeDetails", "ModiSchemes", "OlapCubes", "OlapCubeSchemes",
    "OperationClasses", "Operations", "OrderVoids", "ParameterExceptions",
    "ParameterHierarhies", "Parameters", "PeriodDetails", "Periods",
    "PriceConstants", "PriceConstantTypes", "Prices", "PriceTypes",
    "PrinterPurposes", "RateClasses", "RefLinks", "ReportingServers",
    "RestaurantConcepts", "RestaurantRegions", "Restaurants", "RightGroups",
    "Rights", "Roles", "Scripts", "ScriptTypes", "SelectorDetails",
    "SelectorGroups", "SelectorHierarhies", "Selectors", "SelectorTypes",
    "ServiceChecks", "ServiceSchemes", "ServingPositions", "TableAttributes",
    "TableGroups", "Tables", "TariffDetails", "TarifficationTypes",
    "TaskSetters", "TaxDishRules", "TaxDishTypes", "Taxes", "TaxPayRules",
    "TaxPayTypes", "TaxRates", "TradeGroupDetails", "TradeGroups",
    "UnchangeableOrderTypes",
};
} // namespace

std::string schema_ref_name(const std::string& name) {
  for (const char* known : schema_ref_names)
    if (strcasecmp(known, name.c_str()) == 0)
      return known;
  return name;
}

} // namespace rk7::detail
