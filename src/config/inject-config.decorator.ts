import { Inject } from '@nestjs/common';
import { APP_CONFIG } from './app-config';

/** `constructor(@InjectConfig() private readonly config: AppConfig)` */
export const InjectConfig = (): ParameterDecorator => Inject(APP_CONFIG);
