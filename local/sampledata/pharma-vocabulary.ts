/** Words the sample data is made of: Brazilian pharmacy suppliers, manufacturers, actives and fiscal codes. */

export const SUPPLIERS = [
  'Distribuidora São João Ltda.',
  'Drogaria Pão de Açúcar',
  'Profarma Distribuidora de Produtos Farmacêuticos S.A.',
  'Santa Cruz Distribuidora de Medicamentos',
  'Panpharma Distribuidora de Medicamentos Ltda.',
  'Servimed Comercial Ltda.',
  'Distribuidora Farmacêutica Panarello',
  'Oncoprod Distribuidora Farmacêutica',
  'Genésio A. Mendes & Cia Ltda.',
  'Drogafonte Ltda.',
  'Comercial Cirúrgica Rioclarense Ltda.',
  'Dimed S.A. Distribuidora de Medicamentos',
  'Josapar Farmacêutica do Paraná',
  'Medicamentos Ceará Distribuição Ltda.',
  'Atacadão da Saúde Goiânia',
] as const;

export const MANUFACTURERS = [
  'EMS',
  'Medley',
  'Eurofarma',
  'Aché',
  'Neo Química',
  'Cimed',
  'Germed',
  'Prati-Donaduzzi',
  'Sanofi',
  'Libbs',
  'Biolab Sanus',
  'União Química',
] as const;

export const HOLDINGS = ['NC Group', 'Hypera Pharma', 'Eurofarma Holding', 'Aché Laboratórios', 'Sanofi S.A.', 'Grupo Cimed'] as const;

export const ACTIVES: { active: string; classe: string; subClasse: string; familia: string }[] = [
  { active: 'Dipirona Sódica', classe: 'Analgésicos', subClasse: 'Analgésicos não opioides', familia: 'Dor e Febre' },
  { active: 'Paracetamol', classe: 'Analgésicos', subClasse: 'Analgésicos não opioides', familia: 'Dor e Febre' },
  { active: 'Ibuprofeno', classe: 'Anti-inflamatórios', subClasse: 'AINEs', familia: 'Dor e Febre' },
  { active: 'Losartana Potássica', classe: 'Cardiovasculares', subClasse: 'Antagonistas da angiotensina II', familia: 'Hipertensão' },
  { active: 'Cloridrato de Metformina', classe: 'Antidiabéticos', subClasse: 'Biguanidas', familia: 'Diabetes' },
  { active: 'Omeprazol', classe: 'Aparelho digestivo', subClasse: 'Inibidores da bomba de prótons', familia: 'Gastro' },
  { active: 'Amoxicilina Tri-hidratada', classe: 'Antibióticos', subClasse: 'Penicilinas', familia: 'Anti-infecciosos' },
  { active: 'Sinvastatina', classe: 'Cardiovasculares', subClasse: 'Estatinas', familia: 'Colesterol' },
  { active: 'Loratadina', classe: 'Antialérgicos', subClasse: 'Anti-histamínicos', familia: 'Alergia' },
  { active: 'Colecalciferol (Vitamina D3)', classe: 'Vitaminas', subClasse: 'Vitaminas lipossolúveis', familia: 'Suplementos' },
  { active: 'Cloridrato de Sertralina', classe: 'Sistema nervoso', subClasse: 'Antidepressivos ISRS', familia: 'Saúde mental' },
  { active: 'Ácido Acetilsalicílico', classe: 'Analgésicos', subClasse: 'Salicilatos', familia: 'Dor e Febre' },
];

export const PRESENTATIONS = [
  '500mg 10 comprimidos',
  '750mg 20 comprimidos',
  '50mg 30 comprimidos revestidos',
  '20mg 28 cápsulas',
  '100mg/ml solução oral 20ml',
  '400mg 10 cápsulas gelatinosas',
  '875mg 14 comprimidos',
  '1.000UI 30 cápsulas',
  '2,5mg/g creme dermatológico 30g',
] as const;

export const PRODUCT_TYPES = ['Genérico', 'Similar', 'Referência', 'OTC', 'Higiene e Beleza'] as const;
export const PRODUCT_GROUPS = ['Medicamentos', 'Perfumaria', 'Nutrição', 'Dermocosméticos'] as const;

export const CFOPS = [5102, 5405, 6102, 6403, 5152, 1102, 2102, 5910, 6108] as const;
export const NCMS = [30049099, 30049069, 30045090, 33049910, 21069030, 30042099, 30039056, 96190000, 34011190] as const;
export const CSTS = ['000', '010', '020', '040', '060', '090', '500'] as const;
export const ICMS_RATES = ['0.00', '7.00', '12.00', '17.00', '18.00', '19.00', '20.50'] as const;

export const NATUREZAS = [
  'Venda de mercadoria adquirida de terceiros',
  'Venda de mercadoria sujeita a substituição tributária',
  'Transferência de mercadoria entre filiais',
  'Devolução de compra para comercialização',
  'Remessa em bonificação, doação ou brinde',
] as const;

/** IBGE state codes with their abbreviations. */
export const STATES: [string, string][] = [
  ['35', 'SP'],
  ['33', 'RJ'],
  ['31', 'MG'],
  ['41', 'PR'],
  ['43', 'RS'],
  ['52', 'GO'],
  ['23', 'CE'],
  ['29', 'BA'],
];

export const CITIES = ['São Paulo', 'Ribeirão Preto', 'Niterói', 'Belo Horizonte', 'Curitiba', 'Porto Alegre', 'Goiânia', 'Fortaleza', 'Salvador', 'Maringá'] as const;
export const PERSON_NAMES = ['João', 'Maria', 'José', 'Ana', 'Antônio', 'Francisca', 'Luís', 'Conceição', 'Márcio', 'Cláudia', 'Sebastião', 'Letícia'] as const;
export const SURNAMES = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Conceição', 'Gonçalves', 'Araújo', 'Magalhães', 'Brandão', 'Simões'] as const;
export const PHARMACY_NAMES = ['Drogaria Pão de Açúcar', 'Farmácia São Benedito', 'Drogaria Coração de Jesus', 'Farmácia Popular do Jardim América', 'Drogaria Saúde & Vida', 'Farmácia Nossa Senhora Aparecida', 'Drogaria União', 'Farmácia Bem-Estar'] as const;
