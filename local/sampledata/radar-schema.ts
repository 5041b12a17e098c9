/**
 * Columns of the Radar sample schema, after seed 004 (store's DDL, the field
 * lists of the main tables) and plausible columns for the rest. One line a
 * table: `Column TYPE` separated by `|`, `!` marks NOT NULL. The primary key
 * of each table comes from config/radar-tables.ts.
 */
const TS = 'TIMESTAMP NULL';
const DT = 'DATETIME';

export const RADAR_COLUMNS: Record<string, string> = {
  store: `Id INT! | CNPJ VARCHAR(20) | Company_Name VARCHAR(255) | Name VARCHAR(255) | Status INT | Brand INT | Business_Model INT | Created_At ${TS} | Modified_At ${TS} | Disabled_At ${TS} | Branch VARCHAR(255) | Email VARCHAR(255) | Phone VARCHAR(50) | Cellphone VARCHAR(50) | IE VARCHAR(50) | TaxRegime INT | Type INT | Opened_At ${TS} | Farmarcas_Name VARCHAR(255) | Group_Name VARCHAR(255) | Grouped_At ${TS}`,
  store_metrics: `Id INT! | Id_Store INT | Nome_Loja VARCHAR(255) | CNPJ VARCHAR(20) | Cidade VARCHAR(120) | UF CHAR(2) | Rede VARCHAR(120) | Revenue DECIMAL(14,2) | Profit DECIMAL(14,2) | Tickets INT | Score DECIMAL(6,2) | Data_Atualizacao ${DT} | Created_At ${DT}`,
  brand_metrics_average: `Id INT! | Id_Store INT | Average_Clients_Number VARCHAR(50) | Average_Ticket VARCHAR(50) | CMV VARCHAR(50) | Profit VARCHAR(50) | Revenues VARCHAR(50) | Reference_Month DATE | Created_At ${DT}`,
  economic_group: `Id INT! | Name VARCHAR(255) | Card_Number VARCHAR(30) | Id_CardHolder INT | Created_At ${DT}`,
  store_address: `Id INT! | Id_Store INT | Street VARCHAR(255) | Number VARCHAR(20) | District VARCHAR(120) | City VARCHAR(120) | UF CHAR(2) | Zip_Code VARCHAR(9) | Latitude DECIMAL(10,7) | Longitude DECIMAL(10,7)`,
  store_contact: `Id INT! | Id_Store INT | Name VARCHAR(255) | Email VARCHAR(255) | Phone VARCHAR(50) | Role VARCHAR(100)`,
  store_status_history: `Id INT! | Id_Store INT | Old_Status INT | New_Status INT | Reason VARCHAR(500) | Changed_By INT | Changed_At ${DT}`,
  store_bank_account: `Id INT! | Id_Store INT | Bank_Code VARCHAR(3) | Agency VARCHAR(10) | Account VARCHAR(20) | Pix_Key VARCHAR(100) | Created_At ${DT}`,
  store_user: `Id INT! | Id_Store INT | Id_User INT | Is_Owner TINYINT(1) | Created_At ${DT}`,
  store_group: `Id INT! | Id_Economic_Group INT | Id_Store INT | Grouped_At ${DT}`,
  store_document: `Id INT! | Id_Store INT | Filename VARCHAR(255) | Status INT | Valid_To DATE | No_Expire TINYINT(1) | Created_At ${DT}`,
  store_document_history: `Id INT! | Id_Store_Document INT | Status INT | Comment VARCHAR(500) | Created_At ${DT}`,
  store_kpi: `Id INT! | Id_Store INT | Kpi VARCHAR(100) | Value DECIMAL(14,4) | Reference_Month DATE`,
  store_sales_daily: `Id INT! | Id_Store INT | Sale_Date DATE | Revenue DECIMAL(14,2) | Tickets INT | Items INT`,
  store_sales_monthly: `Id INT! | Id_Store INT | Reference_Month DATE | Revenue DECIMAL(14,2) | Tickets INT | Average_Ticket DECIMAL(10,2)`,
  brand: `Id INT! | Name VARCHAR(255) | Logo VARCHAR(255) | Active TINYINT(1) | Created_At ${DT}`,
  business_model: `Id INT! | Name VARCHAR(120) | Description VARCHAR(500)`,
  tax_regime: `Id INT! | Name VARCHAR(120) | Code VARCHAR(10)`,
  user: `Id INT! | Name VARCHAR(255) | Email VARCHAR(255) | CPF VARCHAR(14) | Phone VARCHAR(50) | Id_Role INT | Status INT | Created_At ${DT} | Modified_At ${DT}`,
  user_access: `Id_User INT! | LastAccess_At ${DT} | Sent_Email TINYINT(1) | Status_Changed TINYINT(1) | Access_Count INT | Last_Ip VARCHAR(45)`,
  role: `Id INT! | Name VARCHAR(120) | Description VARCHAR(500) | Created_At ${DT}`,
  permission: `Id INT! | Code VARCHAR(120) | Description VARCHAR(500)`,
  role_permission: `Id INT! | Id_Role INT | Id_Permission INT | Is_Default TINYINT(1)`,
  user_permission: `Id INT! | Id_User INT | Id_Permission INT | Id_User_Change INT | Created_At ${DT}`,
  login: `Id_User INT! | Password VARCHAR(255) | Recovery_Id VARCHAR(64) | Refresh_Token VARCHAR(512) | Last_Login_At ${DT}`,
  user_role: `Id INT! | Id_User INT | Id_Role INT | Created_At ${DT}`,
  user_device: `Id INT! | Id_User INT | Platform VARCHAR(20) | Model VARCHAR(120) | Os_Version VARCHAR(20) | Created_At ${DT}`,
  push_token: `Id INT! | Id_User INT | Token VARCHAR(255) | Platform VARCHAR(20) | Created_At ${DT}`,
  audit_log: `Id INT! | Id_User INT | Action VARCHAR(120) | Entity VARCHAR(120) | Entity_Id INT | Payload TEXT | Created_At ${DT}`,
  password_reset: `Id INT! | Id_User INT | Token_Hash VARCHAR(255) | Expires_At ${DT} | Used_At ${DT}`,
  product: `Id INT! | EAN VARCHAR(14) | Name VARCHAR(255) | Active_Ingredient VARCHAR(255) | Presentation VARCHAR(255) | Manufacturer VARCHAR(255) | Category VARCHAR(120) | Price DECIMAL(10,2) | Status INT | Created_At ${DT}`,
  product_pbm: `Id INT! | Ean VARCHAR(14) | Discount_Pf DECIMAL(5,2) | Discount_Pmc DECIMAL(5,2) | Partner VARCHAR(120) | Valid_To DATE`,
  product_export: `Id INT! | EAN VARCHAR(14) | Nome VARCHAR(255) | Fabricante VARCHAR(255) | Principio_Ativo VARCHAR(255) | Apresentacao VARCHAR(255) | Tipo VARCHAR(50) | Registro_MS VARCHAR(20) | Generico VARCHAR(3)`,
  product_category: `Id INT! | Name VARCHAR(120) | Id_Parent INT`,
  product_manufacturer: `Id INT! | Name VARCHAR(255) | CNPJ VARCHAR(20)`,
  product_price: `Id INT! | Id_Product INT | Pf DECIMAL(10,2) | Pmc DECIMAL(10,2) | Valid_From DATE`,
  product_stock: `Id INT! | Id_Product INT | Id_Store INT | Quantity INT | Updated_At ${DT}`,
  product_ean: `Id INT! | Id_Product INT | EAN VARCHAR(14) | Is_Main TINYINT(1)`,
  pbm_program: `Id INT! | Name VARCHAR(120) | Partner VARCHAR(120) | Active TINYINT(1)`,
  pbm_partner: `Id INT! | Name VARCHAR(120) | CNPJ VARCHAR(20) | Url VARCHAR(255)`,
  objectives: `Id INT! | Type INT | Value_Reward DECIMAL(10,2) | Schedule VARCHAR(50) | Description TEXT | Created_At ${DT}`,
  objective_store: `Id INT! | Id_Objective INT | Id_Store INT | Target DECIMAL(14,2)`,
  objective_progress: `Id INT! | Id_Objective INT | Id_Store INT | Progress DECIMAL(6,2) | Updated_At ${DT}`,
  contest: `Id INT! | Name VARCHAR(255) | Start ${DT} | End ${DT} | Image VARCHAR(255) | Last_Contemplation ${DT}`,
  contest_score: `Id INT! | Id_Contest INT | Id_Store INT | Id_User INT | Score DECIMAL(10,2)`,
  contest_store: `Id INT! | Id_Contest INT | Id_Store INT | Joined_At ${DT}`,
  contest_rule: `Id INT! | Id_Contest INT | Description TEXT | Points INT`,
  contest_prize: `Id INT! | Id_Contest INT | Position INT | Description VARCHAR(255) | Amount DECIMAL(10,2)`,
  vouchers: `Id INT! | Id_Store INT | Id_Objective INT | Amount DECIMAL(10,2) | Id_Distributor_User INT | Code VARCHAR(40) | Created_At ${DT}`,
  voucher_usage: `Id INT! | Id_Voucher INT | Used_At ${DT} | Amount DECIMAL(10,2)`,
  reward: `Id INT! | Name VARCHAR(255) | Points INT | Active TINYINT(1)`,
  reward_redemption: `Id INT! | Id_Reward INT | Id_User INT | Redeemed_At ${DT}`,
  campaign: `Id INT! | Name VARCHAR(255) | Start_Date DATE | End_Date DATE | Budget DECIMAL(14,2)`,
  campaign_store: `Id INT! | Id_Campaign INT | Id_Store INT`,
  campaign_product: `Id INT! | Id_Campaign INT | Id_Product INT | Discount DECIMAL(5,2)`,
  document_request: `Id INT! | Id_User INT | Template VARCHAR(120) | Data TEXT | Sended_At ${DT}`,
  document_template: `Id INT! | Name VARCHAR(120) | Body TEXT | Version INT`,
  document_type: `Id INT! | Name VARCHAR(120) | Requires_Expiration TINYINT(1)`,
  legal_terms: `Id INT! | Title VARCHAR(255) | Body MEDIUMTEXT | Version VARCHAR(20) | Published_At ${DT}`,
  legal_terms_users: `Id INT! | Id_User INT | Id_Term INT | Created_At ${DT}`,
  distributor: `Id INT! | Name VARCHAR(255) | CNPJ VARCHAR(20) | Email VARCHAR(255) | Type INT`,
  distributor_user: `Id INT! | Id_Distributor INT | Name VARCHAR(255) | Email VARCHAR(255) | Created_At ${DT}`,
  distributor_store: `Id INT! | Id_Distributor INT | Id_Store INT | Customer_Code VARCHAR(40)`,
  distributor_product: `Id INT! | Id_Distributor INT | Id_Product INT | Price DECIMAL(10,2)`,
  purchase_order: `Id INT! | Id_Store INT | Id_Distributor INT | Total DECIMAL(14,2) | Status INT | Created_At ${DT}`,
  purchase_order_item: `Id INT! | Id_Purchase_Order INT | Id_Product INT | Quantity INT | Unit_Price DECIMAL(10,2)`,
  order_status: `Id INT! | Name VARCHAR(60)`,
  menu: `Id INT! | Name VARCHAR(120) | Url VARCHAR(255) | Id_Area INT | External TINYINT(1)`,
  menu_area: `Id INT! | Name VARCHAR(120) | Position INT`,
  lives: `Id INT! | Title VARCHAR(255) | Start_Live ${DT} | End_Live ${DT} | Event_Id VARCHAR(64)`,
  live_attendance: `Id INT! | Id_Live INT | Id_User INT | Joined_At ${DT}`,
  live_question: `Id INT! | Id_Live INT | Id_User INT | Question TEXT | Created_At ${DT}`,
  notification: `Id INT! | Title VARCHAR(255) | Body TEXT | Channel VARCHAR(20) | Created_At ${DT}`,
  notification_user: `Id INT! | Id_Notification INT | Id_User INT | Read_At ${DT}`,
  banner: `Id INT! | Title VARCHAR(255) | Image VARCHAR(255) | Url VARCHAR(255) | Active TINYINT(1)`,
  news: `Id INT! | Title VARCHAR(255) | Body MEDIUMTEXT | Published_At ${DT}`,
  news_read: `Id INT! | Id_News INT | Id_User INT | Read_At ${DT}`,
  faq: `Id INT! | Question VARCHAR(500) | Answer TEXT | Position INT`,
  survey: `Id INT! | Title VARCHAR(255) | Start_Date DATE | End_Date DATE`,
  survey_question: `Id INT! | Id_Survey INT | Question VARCHAR(500) | Type VARCHAR(20)`,
  survey_answer: `Id INT! | Id_Survey_Question INT | Id_User INT | Answer TEXT | Created_At ${DT}`,
  training: `Id INT! | Title VARCHAR(255) | Duration_Minutes INT | Url VARCHAR(255)`,
  training_user: `Id INT! | Id_Training INT | Id_User INT | Completed_At ${DT}`,
  city: `Id INT! | Name VARCHAR(120) | Id_State INT | Ibge_Code VARCHAR(7)`,
  state: `Id INT! | Name VARCHAR(60) | UF CHAR(2) | Id_Region INT`,
  region: `Id INT! | Name VARCHAR(60)`,
  feature_flag: `Id INT! | Name VARCHAR(120) | Enabled TINYINT(1) | Updated_At ${DT}`,
  app_version: `Id INT! | Platform VARCHAR(20) | Version VARCHAR(20) | Mandatory TINYINT(1) | Released_At ${DT}`,
  email_log: `Id INT! | Id_User INT | Subject VARCHAR(255) | Status VARCHAR(20) | Sent_At ${DT}`,
  sms_log: `Id INT! | Id_User INT | Phone VARCHAR(50) | Status VARCHAR(20) | Sent_At ${DT}`,
  integration_log: `Id INT! | Integration VARCHAR(120) | Status VARCHAR(20) | Message TEXT | Created_At ${DT}`,
  import_job: `Id INT! | Kind VARCHAR(60) | Status VARCHAR(20) | Rows_Imported INT | Started_At ${DT} | Finished_At ${DT}`,
  settings: `Id INT! | Name VARCHAR(120) | Value VARCHAR(500) | Updated_At ${DT}`,
};

export interface RadarColumn {
  name: string;
  sqlType: string;
  nullable: boolean;
}

export function radarColumns(table: string): RadarColumn[] {
  const spec = RADAR_COLUMNS[table];
  if (!spec) throw new Error(`no sample schema for Radar table ${table}`);
  return spec.split('|').map((part) => {
    const text = part.trim();
    const notNull = text.endsWith('!');
    const [name, ...type] = (notNull ? text.slice(0, -1) : text).split(/\s+/);
    return { name, sqlType: type.join(' '), nullable: !notNull };
  });
}
